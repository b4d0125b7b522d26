import type { JsonObject, Tag } from './json.js';
import type { LockLocation, LockStore } from './lock.js';

/** A pipeline as GetPipeline returns it, with what plan needs from its metadata. */
export interface LivePipeline {
  declaration: JsonObject;
  version: number;
  arn: string;
}

/**
 * The few CodePipeline calls plan and apply make, in one region. The SDK implementation lives
 * in sdk-client.ts and is loaded only when needed; tests can put a fake in its place.
 * Reads are retried on throttling and transient failures; writes only on throttling (see retry.ts).
 */
export interface PipelineClient {
  readonly region: string;
  /** The pipeline's declaration, or undefined when there is no pipeline of that name. */
  getPipeline(name: string): Promise<LivePipeline | undefined>;
  /** The names of every pipeline in the region (all pages). */
  listPipelines(): Promise<string[]>;
  /** The pipeline's tags (all pages). */
  listTags(arn: string): Promise<Tag[]>;
  /** Creates the pipeline with its tags; returns the new version. */
  createPipeline(declaration: JsonObject, tags: readonly Tag[]): Promise<{ version: number }>;
  /** Replaces the pipeline's declaration; returns the new version. */
  updatePipeline(declaration: JsonObject): Promise<{ version: number }>;
  deletePipeline(name: string): Promise<void>;
  tagResource(arn: string, tags: readonly Tag[]): Promise<void>;
  untagResource(arn: string, keys: readonly string[]): Promise<void>;
}

/** Hands out one client per region and knows the region to use when a pipeline names none. */
export interface ClientProvider {
  /** The region pipelines without their own `region:` live in. */
  defaultRegion(): Promise<string>;
  forRegion(region: string): Promise<PipelineClient>;
  /** Where requests go, for messages: the endpoint given, or the service's own. */
  describeEndpoint(region: string): string;
  /** The AWS account the credentials belong to (STS GetCallerIdentity). */
  account(): Promise<string>;
  /** The store of a lock object (S3). */
  lockStore(at: LockLocation): Promise<LockStore>;
  /** Abandons every call in flight (a second Ctrl-C); they fail as aborted. */
  abort(): void;
}
