import { getCompoundEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import Button from '@material-ui/core/Button';
import Menu from '@material-ui/core/Menu';
import MenuItem from '@material-ui/core/MenuItem';
import { useState } from 'react';
import { handoffApiRef } from '../../api';
import { useDownload } from '../useDownload';

/** "Download handoff packet": the whole handoff as Markdown or JSON. */
export function PacketDownload() {
  const { entity } = useEntity();
  const api = useApi(handoffApiRef);
  const [anchor, setAnchor] = useState<HTMLElement | null>(null);
  const { busy, download: save } = useDownload('Could not build the packet');

  const download = (format: 'markdown' | 'json') => {
    setAnchor(null);
    return save(
      () => api.getPacket(getCompoundEntityRef(entity), format),
      `handoff-${entity.metadata.name}.${
        format === 'markdown' ? 'md' : 'json'
      }`,
    );
  };

  return (
    <>
      <Button
        variant="outlined"
        aria-haspopup="menu"
        disabled={busy}
        onClick={e => setAnchor(e.currentTarget)}
      >
        {busy ? 'Preparing the packet…' : 'Download handoff packet'}
      </Button>
      <Menu
        anchorEl={anchor}
        open={Boolean(anchor)}
        onClose={() => setAnchor(null)}
      >
        <MenuItem onClick={() => download('markdown')}>
          Markdown document
        </MenuItem>
        <MenuItem onClick={() => download('json')}>
          JSON (for trackers)
        </MenuItem>
      </Menu>
    </>
  );
}
