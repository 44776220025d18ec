/** What a drill reports: one line of figures, the problems it saw, and whether the contract held. */
export interface DrillResult {
  line: string;
  problems: string[];
  ok: boolean;
}

export type Drill = () => Promise<DrillResult>;
