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
      /** Labels every Handoff issue carries besides its key label. Defaults to [handoff]. */
      labels?: string[];
    };
  };
}
