import type { IrPipeline } from '../../compiler/ir.js';
import { PIPELINE_ARN } from './detection.js';
import { ref, type Json, type Template } from './template.js';

/**
 * `notifications:`: a CodeStar notification rule on the pipeline for the chosen events, sending to
 * the user's topic or to a topic created here, with the topic policy that lets the notification
 * service publish. A user's topic keeps its own policy (a TopicPolicy would replace it), so it must
 * already allow codestar-notifications.amazonaws.com.
 */
export function addNotifications(t: Template, p: IrPipeline): Json | undefined {
  const n = p.notifications;
  if (!n) return undefined;
  let topic: Json;
  const dependsOn: string[] = [];
  if (n.topicArn) topic = n.topicArn;
  else {
    const id = t.add('NotificationTopic', 'AWS::SNS::Topic', { DisplayName: `pipec ${p.name}`.slice(0, 100) });
    topic = ref(id);
    dependsOn.push(
      t.add('NotificationTopicPolicy', 'AWS::SNS::TopicPolicy', {
        Topics: [topic],
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'CodeStarNotificationsPublish',
              Effect: 'Allow',
              Principal: { Service: 'codestar-notifications.amazonaws.com' },
              Action: 'sns:Publish',
              Resource: topic,
            },
          ],
        },
      }),
    );
  }
  t.add(
    'NotificationRule',
    'AWS::CodeStarNotifications::NotificationRule',
    {
      Name: `${p.name.replace(/[^A-Za-z0-9_-]/g, '-')}-pipeline-events`.slice(0, 64),
      DetailType: n.detail,
      EventTypeIds: n.events,
      Resource: PIPELINE_ARN,
      Targets: [{ TargetType: 'SNS', TargetAddress: topic }],
    },
    { dependsOn },
  );
  return topic;
}
