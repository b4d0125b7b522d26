import { describe, expect, it } from 'vitest';
import { palette } from '../../src/live/render/text.js';
import { securityLine } from '../../src/live/stack/render.js';
import { securityChanges } from '../../src/live/stack/security.js';

/**
 * plan --stack calls out, as `cdk diff` does, the IAM statements and security group rules a
 * stack update adds or removes (issue 10, item 4). pipec's own stacks make no security groups,
 * so no example reaches those rows: they are held here, on templates that have them (a stack a
 * user adopts, or one a later pipec makes), with the IAM rows beside them.
 */

const plain = palette(false);
const lines = (before: string | undefined, after: string) => securityChanges(before, after).map((s) => securityLine(s, plain));

const group = (ingress: string) => `
Resources:
  BuildGroup:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: builds
      VpcId: vpc-1
      SecurityGroupIngress:
${ingress}
      SecurityGroupEgress:
        - { IpProtocol: "-1", CidrIp: 0.0.0.0/0 }
`;

describe('security changes of a stack update', () => {
  it('a security group: each ingress and egress rule added on create, the changed rule removed and added on update', () => {
    const first = group('        - { IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 10.0.0.0/8 }');
    expect(lines(undefined, first)).toEqual(['+ BuildGroup security group: ingress tcp port 443 from 10.0.0.0/8', '+ BuildGroup security group: egress -1 all ports to 0.0.0.0/0']);
    const widened = group('        - { IpProtocol: tcp, FromPort: 0, ToPort: 65535, CidrIp: 0.0.0.0/0 }');
    expect(lines(first, widened)).toEqual(['+ BuildGroup security group: ingress tcp ports 0-65535 from 0.0.0.0/0', '- BuildGroup security group: ingress tcp port 443 from 10.0.0.0/8']);
    expect(lines(widened, widened)).toEqual([]);
  });

  it('a rule of its own (AWS::EC2::SecurityGroupIngress) is shown on the group it opens, with its peer group', () => {
    const rule = `
Resources:
  FromLoadBalancer:
    Type: AWS::EC2::SecurityGroupIngress
    Properties:
      GroupId: !Ref AppGroup
      IpProtocol: tcp
      FromPort: 8080
      ToPort: 8080
      SourceSecurityGroupId: !GetAtt LoadBalancerGroup.GroupId
`;
    expect(lines(undefined, rule)).toEqual(['+ ${AppGroup} rule FromLoadBalancer: ingress tcp port 8080 from ${LoadBalancerGroup.GroupId}']);
    // the short forms in their sequence form, and the long form pipec writes, read the same
    expect(lines(undefined, rule.replace('!GetAtt LoadBalancerGroup.GroupId', '!GetAtt [LoadBalancerGroup, GroupId]'))).toEqual(lines(undefined, rule));
    expect(lines(undefined, rule.replace('!Ref AppGroup', '{ Ref: AppGroup }'))).toEqual(lines(undefined, rule));
    expect(lines(rule, 'Resources: {}')).toEqual(['- ${AppGroup} rule FromLoadBalancer: ingress tcp port 8080 from ${LoadBalancerGroup.GroupId}']);
  });

  it('IAM: a statement that widens is the old one removed and the new one added, with its condition; a managed policy attached', () => {
    const role = (resource: string, managed = '') => `
Resources:
  BuildRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: { Statement: [{ Effect: Allow, Principal: { Service: codebuild.amazonaws.com }, Action: sts:AssumeRole }] }
      Policies:
        - PolicyName: build
          PolicyDocument:
            Statement:
              - { Effect: Allow, Action: [s3:GetObject], Resource: "${resource}", Condition: { StringEquals: { "aws:ResourceAccount": "111111111111" } } }
${managed}`;
    const before = role('arn:aws:s3:::acme/*');
    const after = role('*', '      ManagedPolicyArns: [arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPowerUser]');
    expect(lines(before, after)).toEqual([
      '+ BuildRole managed policy arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPowerUser',
      '+ BuildRole policy build: Allow s3:GetObject on * when {"StringEquals":{"aws:ResourceAccount":"111111111111"}}',
      '- BuildRole policy build: Allow s3:GetObject on arn:aws:s3:::acme/* when {"StringEquals":{"aws:ResourceAccount":"111111111111"}}',
    ]);
  });
});
