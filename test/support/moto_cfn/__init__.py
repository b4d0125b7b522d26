"""Extends moto's CloudFormation for pipec's tests (loaded by ../moto_launcher.py).

moto 5.2.1's CloudFormation leaves out the resource types pipec's stacks use most
(AWS::CodePipeline::Pipeline, AWS::CodeBuild::Project, AWS::CodeDeploy::Application and
::DeploymentGroup, AWS::CodeStarNotifications::NotificationRule, AWS::S3::BucketPolicy,
AWS::SNS::TopicPolicy, AWS::CloudTrail::Trail) and simplifies how stacks fail and change.
Each module adds one part, through moto's own service backends, and says in its docstring which
behaviour comes from which AWS document:
- pipeline.py, codebuild.py, codedeploy.py, policies.py: the resource types;
- events.py: per-resource stack events;
- stacks.py: failures, rollback, change set details and execution;
- recovery.py: ContinueUpdateRollback, and DeleteStack that can fail (DELETE_FAILED) and retain;
- stack_tags.py: stack tags that change (a retagging change set, propagation to the pipeline);
- fixes.py: corrections to resource types moto has (KMS key tags);
- template_url.py: a TemplateURL at the emulator's loopback address (the AWS CLI's --s3-bucket uploads).
"""
from moto.cloudformation import parsing

from . import codebuild, codedeploy, events, fixes, pipeline, policies, recovery, stacks, template_url  # noqa: F401  (defines the types)

parsing.get_model_list.cache_clear()
parsing.get_model_map.cache_clear()
parsing.get_name_type_map.cache_clear()
events.install()
fixes.install()
stacks.install()
recovery.install()
template_url.install()
