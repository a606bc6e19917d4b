export interface Config {
  handoff?: {
    /** Work items are filed in Jira only when this is set. */
    jira?: {
      /** The site, e.g. https://acme.atlassian.net or https://jira.acme.com. */
      baseUrl: string;
      /** cloud (REST API 3) or datacenter (REST API 2); by default cloud for *.atlassian.net. */
      deployment?: 'cloud' | 'datacenter';
      auth: {
        /** Jira Cloud: the account's email, with an API token. */
        email?: string;
        /** @visibility secret */
        apiToken?: string;
        /**
         * Jira Data Center: a personal access token.
         * @visibility secret
         */
        personalAccessToken?: string;
      };
      /** The project key for capabilities whose entity and owning group carry no jira/project-key annotation. */
      project?: string;
      /** The issue type to create (Task by default). */
      issueType?: string;
      /**
       * The secret of a Jira webhook ("Issue updated" events) pointed at
       * <backend>/api/handoff/webhooks/jira: an issue moved in Jira reaches its
       * work item at once. Without it, the status is read back every minute.
       * @visibility secret
       */
      webhookSecret?: string;
      /** Labels every Handoff issue carries besides its key label (default [handoff]). */
      labels?: string[];
    };
  };
}
