export declare const bundledSpec: string;
export interface RunningPrism {
  url: string;
  port: number;
  stop: () => Promise<void>;
  exited: Promise<number | null>;
}
export declare function startPrism(options?: {
  port?: number;
  spec?: string;
  inheritOutput?: boolean;
  startupMs?: number;
}): Promise<RunningPrism>;
