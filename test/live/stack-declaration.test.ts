// The pipeline a stack template makes, as plan --stack compares it with the live one (pipec's
// field-level diff beside the change set): a pipeline of several regions lists its stores in the
// template ({Region, ArtifactStore}) and keys them by region in the API. Before, the list was
// dropped, and every update of such a pipeline showed "- artifactStores" as if its stores went away.
import { describe, expect, it } from 'vitest';
import { diffPipeline } from '../../src/live/diff.js';
import { normaliseDeclaration } from '../../src/live/normalise.js';
import { KNOWN_AFTER_APPLY, stackPipelineDeclaration } from '../../src/live/stack/declaration.js';

const TEMPLATE = `
Resources:
  Pipeline:
    Type: AWS::CodePipeline::Pipeline
    Properties:
      Name: regional
      RoleArn: arn:aws:iam::111111111111:role/pipeline
      ArtifactStores:
        - Region: us-east-1
          ArtifactStore: { Type: S3, Location: acme-artifacts }
        - Region: eu-west-1
          ArtifactStore: { Type: S3, Location: { Ref: ArtifactBucketEuWest1 } }
      Stages:
        - Name: Source
          Actions:
            - Name: Source
              ActionTypeId: { Category: Source, Owner: AWS, Provider: CodeCommit, Version: "1" }
              Configuration: { RepositoryName: app, BranchName: main }
              OutputArtifacts: [{ Name: Source }]
`;

const live = {
  name: 'regional',
  roleArn: 'arn:aws:iam::111111111111:role/pipeline',
  artifactStores: { 'us-east-1': { type: 'S3', location: 'acme-artifacts' }, 'eu-west-1': { type: 'S3', location: 'regional-artifacts-eu' } },
  stages: [{ name: 'Source', actions: [{ name: 'Source', actionTypeId: { category: 'Source', owner: 'AWS', provider: 'CodeCommit', version: '1' }, configuration: { RepositoryName: 'app', BranchName: 'main' }, outputArtifacts: [{ name: 'Source' }] }] }],
};

describe("a stack template's pipeline of several regions", () => {
  it('keys its stores by region, as the API does, with what CloudFormation computes taken from the live pipeline', () => {
    const desired = stackPipelineDeclaration(TEMPLATE, 'regional', live);
    expect(desired?.artifactStores).toEqual(live.artifactStores);
    expect(diffPipeline(normaliseDeclaration(desired as never, 'us-east-1'), normaliseDeclaration(live as never, 'us-east-1'))).toEqual([]);
  });

  it('shows a store of a new region as known after apply, and the others unchanged', () => {
    const before = { ...live, artifactStores: { 'us-east-1': live.artifactStores['us-east-1'] } };
    const desired = stackPipelineDeclaration(TEMPLATE, 'regional', before);
    expect(desired?.artifactStores).toEqual({ 'us-east-1': { type: 'S3', location: 'acme-artifacts' }, 'eu-west-1': { type: 'S3', location: KNOWN_AFTER_APPLY } });
  });
});
