import {
  DECISION_TITLES,
  StillToWrite,
} from '@handoff/backstage-plugin-handoff-common';
import Box from '@material-ui/core/Box';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';

const KIND_WORDS: Record<StillToWrite['kind'], string> = {
  missing: 'not in the spec yet',
  todo: 'still marked TODO in the spec',
};

/**
 * What the spec still lacks before the decisions ahead, in words, grouped by
 * the spec's sections, each with the decision it holds back: the list the
 * New capability template promises on the Handoff tab.
 */
export function StillToWriteList(props: { items: StillToWrite[] }) {
  const { items } = props;
  const sections = [...new Set(items.map(i => i.section))];
  return (
    <Box mb={2} component="section" aria-label="Still to write">
      <Typography variant="subtitle1">
        {items.length === 0
          ? 'Nothing left to write in the spec for the decisions ahead'
          : `Still to write in the spec: ${items.length}`}
      </Typography>
      {sections.map(section => (
        <Box key={section} mt={1}>
          <Typography variant="body2" color="textSecondary" component="h4">
            {section}
          </Typography>
          <List dense disablePadding>
            {items
              .filter(i => i.section === section)
              .map(item => (
                <ListItem key={`${item.text}-${item.kind}`} disableGutters>
                  <ListItemText
                    primary={item.text}
                    secondary={`${
                      KIND_WORDS[item.kind]
                    }; needed to ${DECISION_TITLES[
                      item.blocks
                    ].toLocaleLowerCase('en-US')}`}
                  />
                </ListItem>
              ))}
          </List>
        </Box>
      ))}
    </Box>
  );
}
