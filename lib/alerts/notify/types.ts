/** One alert as the evaluator hands it over: Alertmanager's shape (labels include alertname, model_name, severity). */
export type NotifyAlert = {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  status: "firing" | "resolved";
  startsAt: Date;
  endsAt: Date | null;
  generatorURL: string;
  fingerprint: string;
};

export const CHANNEL_TYPES = ["webhook", "slack", "alertmanager"] as const;
export type ChannelType = (typeof CHANNEL_TYPES)[number];

export const MATCH_OPS = ["=", "!=", "=~", "!~"] as const;
export type MatchOp = (typeof MATCH_OPS)[number];
export type Matcher = { name: string; op: MatchOp; value: string };

/** A channel's settings with their defaults applied. */
export type ChannelSettings = {
  /** labels whose values make one group (one message); default model_name and alertname */
  groupBy: string[];
  /** only alerts matching all of these go to the channel (empty: all) */
  matchers: Matcher[];
  /** announce alerts that resolved (webhook and Slack; Alertmanager is always told) */
  sendResolved: boolean;
  /** a group still firing unchanged is sent again after this long (webhook and Slack) */
  repeatIntervalSeconds: number;
  /** Alertmanager: firing alerts are re-posted this often, with endsAt four intervals ahead */
  resendIntervalSeconds: number;
  /** extra request headers (e.g. Authorization for a webhook) */
  headers: Record<string, string>;
};

export type Channel = { id: string; name: string; type: ChannelType; url: string; enabled: boolean; settings: ChannelSettings };
