export interface Config {
  handoff?: {
    /** Work items are filed in GitHub only when this is set (it may be empty: {}). */
    github?: {
      /**
       * The GitHub host whose integration (integrations.github) files the
       * issues, e.g. github.example.com for GitHub Enterprise. Defaults to
       * github.com.
       */
      host?: string;
      /**
       * The repository (owner/name) for capabilities whose entity and owning
       * group carry no github.com/project-slug annotation. Without it, such
       * work items wait with the reason shown on their card.
       */
      repository?: string;
      /**
       * The secret of a GitHub webhook (content type application/json, "Issues"
       * events) pointed at <backend>/api/handoff/webhooks/github: an issue
       * closed or reopened on GitHub reaches its work item at once. Without
       * it, the status is read back every minute.
       * @visibility secret
       */
      webhookSecret?: string;
      /** Labels every Handoff issue carries besides its key label. Defaults to [handoff]. */
      labels?: string[];
    };
  };
}
