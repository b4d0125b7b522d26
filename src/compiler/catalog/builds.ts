import { bool, enm, int, list, str, words } from './fields.js';
import type { Category, Provider } from './types.js';

/** CodeBuild with an existing project; inline projects (`commands:`) lower to this provider too. */
function codebuild(category: Category): Provider {
  return {
    kind: 'codebuild',
    category,
    owner: 'AWS',
    provider: 'CodeBuild',
    version: '1',
    inputs: [1, 5],
    outputs: [0, 5],
    primary: 'project',
    json: { EnvironmentVariables: 'codebuild-env' },
    env: 'EnvironmentVariables',
    inlineBuilds: true,
    primarySource: 'primary-source',
    ...(category === 'Test' ? { testsReadSource: true } : {}),
    readsCloneRef: true,
    fields: [
      str('project', 'ProjectName', true),
      str('primary-source', 'PrimarySource'),
      bool('batch', 'BatchEnabled'),
      bool('combine-artifacts', 'CombineArtifacts'),
    ],
    check: (config, inputs) => {
      const problems = [];
      if (inputs.length > 1 && !config.PrimarySource)
        problems.push({ message: `a CodeBuild action with ${inputs.length} input artifacts needs 'primary-source' naming one of them`, code: 'PC3011' as const });
      if (config.PrimarySource && !inputs.includes(config.PrimarySource))
        problems.push({ message: `primary source '${config.PrimarySource}' is not one of the action's input artifacts`, key: 'PrimarySource' });
      if (config.CombineArtifacts === 'true' && config.BatchEnabled !== 'true')
        problems.push({ message: "'combine-artifacts' works only with 'batch: true'", key: 'CombineArtifacts' });
      return problems;
    },
    doc: `CodeBuild project (${category === 'Build' ? 'build' : 'test'})`,
  };
}

/** A custom action type registered for a build server; the kind's value is the registered provider name. */
function custom(kind: string, category: Category, server: string): Provider {
  return {
    kind,
    category,
    owner: 'Custom',
    provider: kind,
    version: '1',
    inputs: [0, 5],
    outputs: [0, 5],
    customProvider: true,
    fields: [str('project', 'ProjectName')],
    doc: `${server} job through its registered custom action type`,
  };
}

/** Build providers. */
export const BUILDS: Provider[] = [
  codebuild('Build'),
  custom('jenkins', 'Build', 'Jenkins'),
  custom('teamcity', 'Build', 'TeamCity'),
  custom('cloudbees', 'Build', 'CloudBees'),
  {
    kind: 'ecr-publish',
    category: 'Build',
    owner: 'AWS',
    provider: 'ECRBuildAndPublish',
    version: '1',
    inputs: [1, 1],
    outputs: [0, 0],
    primary: 'repository',
    v2Only: true,
    fields: [
      str('repository', 'ECRRepositoryName', true),
      str('dockerfile-path', 'DockerFilePath'),
      list('tags', 'ImageTags'),
      enm('registry', 'RegistryType', { private: 'private', public: 'public' }),
    ],
    defaults: { RegistryType: 'private', ImageTags: 'latest' },
    doc: 'build a Docker image and push it to ECR (V2 only)',
  },
];

/** Test providers. */
export const TESTS: Provider[] = [
  codebuild('Test'),
  custom('jenkins', 'Test', 'Jenkins'),
  custom('teamcity', 'Test', 'TeamCity'),
  custom('cloudbees', 'Test', 'CloudBees'),
  {
    kind: 'device-farm',
    category: 'Test',
    owner: 'AWS',
    provider: 'DeviceFarm',
    version: '1',
    inputs: [1, 1],
    outputs: [0, 0],
    primary: 'project-id',
    fields: [
      str('project-id', 'ProjectId', true),
      enm('app-type', 'AppType', { ios: 'iOS', android: 'Android', web: 'Web' }, true),
      str('app', 'App', true),
      str('device-pool', 'DevicePoolArn', true),
      enm(
        'test-type',
        'TestType',
        words(
          'APPIUM_JAVA_JUNIT',
          'APPIUM_JAVA_TESTNG',
          'APPIUM_PYTHON',
          'APPIUM_WEB_JAVA_JUNIT',
          'APPIUM_WEB_JAVA_TESTNG',
          'APPIUM_WEB_PYTHON',
          'BUILTIN_EXPLORER',
          'BUILTIN_FUZZ',
          'CALABASH',
          'INSTRUMENTATION',
          'UIAUTOMATION',
          'UIAUTOMATOR',
          'XCTEST',
          'XCTEST_UI',
        ),
        true,
      ),
      str('appium-version', 'AppiumVersion'),
      str('test', 'Test'),
      bool('record-video', 'RecordVideo'),
      bool('record-performance', 'RecordAppPerformanceData'),
      bool('radio-wifi', 'RadioWifiEnabled'),
      bool('radio-bluetooth', 'RadioBluetoothEnabled'),
      bool('radio-nfc', 'RadioNfcEnabled'),
      bool('radio-gps', 'RadioGpsEnabled'),
      int('fuzz-event-count', 'FuzzEventCount', 1, 10000),
      int('fuzz-event-throttle', 'FuzzEventThrottle', 1, 1000),
      str('fuzz-randomizer-seed', 'FuzzRandomizerSeed'),
      str('custom-host-machine-artifacts', 'CustomHostMachineArtifacts'),
      str('custom-device-artifacts', 'CustomDeviceArtifacts'),
      bool('unmetered-devices-only', 'UnmeteredDevicesOnly'),
      int('job-timeout', 'JobTimeoutMinutes', 5, 150),
      str('latitude', 'Latitude'),
      str('longitude', 'Longitude'),
    ],
    check: (config) =>
      config.TestType && config.TestType.startsWith('APPIUM') && !config.AppiumVersion
        ? [{ message: "Appium tests need 'appium-version' (any value; Device Farm ignores it)", code: 'PC3011' as const }]
        : [],
    doc: 'Device Farm test run',
  },
];
