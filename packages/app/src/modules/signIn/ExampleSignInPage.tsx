import {
  Content,
  Header,
  InfoCard,
  Page,
  ProxiedSignInPage,
} from '@backstage/core-components';
import { IdentityApi } from '@backstage/core-plugin-api';
import { SignInPageProps } from '@backstage/plugin-app-react';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import { useState } from 'react';

/** The people of examples/org.yaml one may sign in as (auth.providers.example-users.users). */
export const EXAMPLE_PEOPLE = [
  {
    name: 'guest',
    title: 'Guest',
    groups: 'data-science, platform',
    does: 'Owns the churn model and may read the catalog-wide audit.',
  },
  {
    name: 'ada',
    title: 'Ada Lovelace',
    groups: 'data-science',
    does: 'Accountable for the churn model: gives its hand-off approval.',
  },
  {
    name: 'grace',
    title: 'Grace Hopper',
    groups: 'sre',
    does: 'Receives hand-offs to SRE and accepts them.',
  },
  {
    name: 'margaret',
    title: 'Margaret Hamilton',
    groups: 'risk-and-compliance',
    does: 'Gives the compliance approval high-compliance hand-offs need.',
  },
  {
    name: 'linus',
    title: 'Linus Pauling',
    groups: 'payments, customer-support',
    does: 'Accountable for the invoice export and the support assistant.',
  },
  {
    name: 'mary',
    title: 'Mary Jackson',
    groups: 'payments, customer-support',
    does: 'Runs the invoice export and records its reviews.',
  },
];

const CHOSEN = 'handoff-example-user';

/** Signing out forgets who was chosen, so the next sign-in asks again. */
function forgetOnSignOut(identity: IdentityApi): IdentityApi {
  return {
    getProfileInfo: () => identity.getProfileInfo(),
    getBackstageIdentity: () => identity.getBackstageIdentity(),
    getCredentials: () => identity.getCredentials(),
    signOut: async () => {
      sessionStorage.removeItem(CHOSEN);
      await identity.signOut();
    },
  };
}

/**
 * The example portal's sign-in: enter as the guest or as one of the example
 * organisation's people, to try a gate that needs two of them. Development
 * only (the backend refuses example users elsewhere).
 */
export function ExampleSignInPage(props: SignInPageProps) {
  const [chosen, setChosen] = useState(() => sessionStorage.getItem(CHOSEN));
  if (chosen) {
    return (
      <ProxiedSignInPage
        {...props}
        provider={chosen === 'guest' ? 'guest' : 'example-users'}
        headers={() => ({ 'x-handoff-example-user': chosen })}
        onSignInSuccess={identity =>
          props.onSignInSuccess(forgetOnSignOut(identity))
        }
      />
    );
  }
  const enter = (name: string) => {
    sessionStorage.setItem(CHOSEN, name);
    setChosen(name);
  };
  return (
    <Page themeId="home">
      <Header title="Handoff Portal" subtitle="Sign in to the example portal" />
      <Content>
        <Typography variant="body1" paragraph>
          Choose who you are. Gates need more than one person: whoever records a
          hand-off cannot be its only approver, and the receiving team accepts
          it. Sign out from Settings to switch.
        </Typography>
        <Grid container spacing={3}>
          {EXAMPLE_PEOPLE.map(p => (
            <Grid item xs={12} sm={6} md={4} key={p.name}>
              <InfoCard title={p.title} subheader={`Member of ${p.groups}`}>
                <Typography variant="body2" paragraph>
                  {p.does}
                </Typography>
                <Button
                  variant="contained"
                  color="primary"
                  onClick={() => enter(p.name)}
                >
                  Enter as {p.title}
                </Button>
              </InfoCard>
            </Grid>
          ))}
        </Grid>
      </Content>
    </Page>
  );
}
