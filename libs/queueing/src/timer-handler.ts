import { TimerJobName, TimerJobPayload } from './job-contracts';

export type TimerHandler<N extends TimerJobName> = (payload: TimerJobPayload<N>) => Promise<void>;
