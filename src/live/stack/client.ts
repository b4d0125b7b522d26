/** A stack as DescribeStacks returns it, with what stack mode needs. */
export interface LiveStack {
  stackId: string;
  status: string;
  statusReason?: string;
  /** ISO-8601 time of the last update (or creation), to notice a stack that changed since the plan. */
  lastChanged: string;
  outputs: Record<string, string>;
  parameters: Record<string, string>;
  tags: Array<{ key: string; value: string }>;
}

/** One resource change of a change set (DescribeChangeSet's ResourceChange). */
export interface ResourceChange {
  action: 'Add' | 'Modify' | 'Remove' | 'Import' | 'Dynamic';
  logicalId: string;
  physicalId?: string;
  resourceType: string;
  /** 'True', 'False' or 'Conditional' for a Modify. */
  replacement?: string;
  /** Top-level properties (or Tags) that change, for a Modify. */
  properties?: string[];
}

/** A change set as DescribeChangeSet returns it (every page). */
export interface LiveChangeSet {
  id: string;
  stackId: string;
  status: string;
  statusReason?: string;
  executionStatus: string;
  changes: ResourceChange[];
}

/** One stack event (DescribeStackEvents). */
export interface StackEvent {
  eventId: string;
  timestamp: string;
  logicalId: string;
  physicalId?: string;
  resourceType: string;
  status: string;
  reason?: string;
}

export interface CreateChangeSetInput {
  stackName: string;
  changeSetName: string;
  type: 'CREATE' | 'UPDATE';
  templateBody: string;
  /** The template's S3 URL, used instead of templateBody (over CloudFormation's 51,200-byte inline limit). */
  templateUrl?: string;
  parameters: Record<string, string>;
  tags: ReadonlyArray<{ key: string; value: string }>;
}

/**
 * The CloudFormation calls stack mode makes, in one account and region. The SDK implementation
 * (sdk-client.ts) loads only when a command needs it; tests can put a fake in its place.
 */
export interface StackClient {
  readonly region: string;
  /** The stack, or undefined when there is none of that name (deleted stacks are none). */
  describeStack(name: string): Promise<LiveStack | undefined>;
  /** The template the stack was last deployed with (GetTemplate, Original stage). */
  getTemplate(name: string): Promise<string>;
  createChangeSet(input: CreateChangeSetInput): Promise<{ id: string; stackId: string }>;
  describeChangeSet(id: string): Promise<LiveChangeSet | undefined>;
  deleteChangeSet(id: string): Promise<void>;
  executeChangeSet(id: string): Promise<void>;
  /** Events of the stack, newest first, stopping at (and leaving out) `since` when given. */
  events(stackId: string, since?: string): Promise<StackEvent[]>;
  deleteStack(stackId: string): Promise<void>;
}

/** Where a stack lives: the pipeline's own account (profile undefined) or another account through its profile. */
export interface StackLocation {
  region: string;
  profile?: string;
}

/** Hands out one client per account profile and region. */
export interface StackClientProvider {
  forLocation(location: StackLocation): Promise<StackClient>;
  describeEndpoint(region: string): string;
}
