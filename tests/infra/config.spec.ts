import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError, DEFAULTS, DEMO_CHOICES, LOG_RETENTION_DAYS, parseStackConfig, StackConfig } from "../../infra/config";

/** Parses a config given as a plain map of raw `pulumi config` strings. */
function parse(values: Record<string, string>): StackConfig {
  return parseStackConfig((key) => values[key]);
}

describe("infra/config: parseStackConfig", () => {
  describe("defaults", () => {
    it("an empty stack config yields every default from DEFAULTS", () => {
      const config = parse({});
      assert.deepEqual(config, {
        createDemoCluster: true,
        network: { availabilityZoneCount: 2, natGateways: "Single", vpcCidr: "10.0.0.0/16" },
        cluster: {
          clusterName: "rebalance-demo",
          instanceType: "t3.small",
          minSize: 1,
          maxSize: 3,
          desiredCapacity: 2,
          rootVolumeSizeGiB: 30,
          managedScaling: false,
          managedTerminationProtection: false,
          targetCapacityPercent: 100,
        },
        loadBalancer: { certificateArn: undefined, healthCheckPath: "/", deregistrationDelaySeconds: 30 },
        service: {
          serviceDesiredCount: 2,
          containerImage: "docker.io/nginxinc/nginx-unprivileged@sha256:5aea7cc516b419e3526f47dd1531be31a56a046cfe44754d94f9383e13e2ee99",
          containerCpu: 128,
          containerMemory: 128,
          logRetentionDays: 14,
          containerPort: 8080,
          containerUser: "101",
        },
        rebalancer: {
          targetClusters: [],
          dryRun: false,
          maxMovesPerRun: 10,
          maxMovesPerService: 5,
          maxMovesPerInstance: 3,
          clusterLoadBand: 1,
          pinLoadMoves: true,
          schedule: "rate(15 minutes)",
          surgeTimeoutMinutes: 15,
          reservedConcurrency: 1,
          logRetentionDays: 14,
          functionTimeoutSeconds: 60,
          writeRates: { updateService: 1, tagResource: 2, stopTask: 10, updateTaskProtection: 5 },
        },
        security: {
          deletionProtection: true,
          detailedMonitoring: true,
          accessLogRetentionDays: 90,
          flowLogTrafficType: "ALL",
          flowLogRetentionDays: 90,
        },
        monitoring: { dashboard: true, stuckAlarmRuns: 4, alarmTopicArn: undefined },
      });
    });

    it("every default in DEFAULTS passes its own validation when set explicitly", () => {
      const explicit: Record<string, string> = {};
      for (const [key, value] of Object.entries(DEFAULTS)) {
        if (value === undefined) continue;
        explicit[key] = Array.isArray(value) ? JSON.stringify(value) : String(value);
      }
      assert.deepEqual(parse(explicit), parse({}));
    });
  });

  describe("a full valid config is read into the nested StackConfig", () => {
    const full: Record<string, string> = {
      availabilityZoneCount: "3",
      natGateways: "OnePerAz",
      vpcCidr: "10.42.0.0/20",
      createDemoCluster: "true",
      clusterName: "demo_cluster-2",
      instanceType: "m7i-flex.large",
      minSize: "0",
      maxSize: "6",
      desiredCapacity: "4",
      rootVolumeSizeGiB: "40",
      managedScaling: "true",
      managedTerminationProtection: "true",
      targetCapacityPercent: "80",
      certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789",
      healthCheckPath: "/healthz",
      deregistrationDelaySeconds: "120",
      serviceDesiredCount: "6",
      containerImage:
        "123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1.2@sha256:abababababababababababababababababababababababababababababababab",
      containerCpu: "256",
      containerMemory: "6",
      logRetentionDays: "3653",
      targetClusters: JSON.stringify(["prod", "arn:aws:ecs:eu-west-1:123456789012:cluster/batch"]),
      dryRun: "true",
      maxMovesPerRun: "100",
      maxMovesPerService: "1",
      maxMovesPerInstance: "2",
      clusterLoadBand: "3",
      pinLoadMoves: "false",
      schedule: "cron(0/10 * * * ? *)",
      surgeTimeoutMinutes: "180",
      reservedConcurrency: "10",
      rebalancerLogRetentionDays: "1",
      functionTimeoutSeconds: "900",
      updateServicePerSecond: "0.5",
      tagResourcePerSecond: "10",
      stopTaskPerSecond: "40",
      updateTaskProtectionPerSecond: "3",
      containerPort: "1024",
      containerUser: "1000:1000",
      deletionProtection: "false",
      detailedMonitoring: "false",
      accessLogRetentionDays: "3650",
      flowLogTrafficType: "REJECT",
      flowLogRetentionDays: "3653",
      dashboard: "false",
      stuckAlarmRuns: "0",
      alarmTopicArn: "arn:aws:sns:us-east-1:123456789012:oncall",
    };

    it("reads every key with its type", () => {
      const config = parse(full);
      assert.deepEqual(config.network, { availabilityZoneCount: 3, natGateways: "OnePerAz", vpcCidr: "10.42.0.0/20" });
      assert.deepEqual(config.cluster, {
        clusterName: "demo_cluster-2",
        instanceType: "m7i-flex.large",
        minSize: 0,
        maxSize: 6,
        desiredCapacity: 4,
        rootVolumeSizeGiB: 40,
        managedScaling: true,
        managedTerminationProtection: true,
        targetCapacityPercent: 80,
      });
      assert.deepEqual(config.loadBalancer, {
        certificateArn: full.certificateArn,
        healthCheckPath: "/healthz",
        deregistrationDelaySeconds: 120,
      });
      assert.deepEqual(config.service, {
        serviceDesiredCount: 6,
        containerImage: full.containerImage,
        containerCpu: 256,
        containerMemory: 6,
        logRetentionDays: 3653,
        containerPort: 1024,
        containerUser: "1000:1000",
      });
      assert.deepEqual(config.security, {
        deletionProtection: false,
        detailedMonitoring: false,
        accessLogRetentionDays: 3650,
        flowLogTrafficType: "REJECT",
        flowLogRetentionDays: 3653,
      });
      assert.deepEqual(config.monitoring, {
        dashboard: false,
        stuckAlarmRuns: 0,
        alarmTopicArn: "arn:aws:sns:us-east-1:123456789012:oncall",
      });
      assert.deepEqual(config.rebalancer, {
        targetClusters: ["prod", "arn:aws:ecs:eu-west-1:123456789012:cluster/batch"],
        dryRun: true,
        maxMovesPerRun: 100,
        maxMovesPerService: 1,
        maxMovesPerInstance: 2,
        clusterLoadBand: 3,
        pinLoadMoves: false,
        schedule: "cron(0/10 * * * ? *)",
        surgeTimeoutMinutes: 180,
        reservedConcurrency: 10,
        logRetentionDays: 1,
        functionTimeoutSeconds: 900,
        writeRates: { updateService: 0.5, tagResource: 10, stopTask: 40, updateTaskProtection: 3 },
      });
    });

    it("clusterLoadBand = false or 0 turns the load pass off (0)", () => {
      assert.equal(parse({ clusterLoadBand: "false" }).rebalancer.clusterLoadBand, 0);
      assert.equal(parse({ clusterLoadBand: "0" }).rebalancer.clusterLoadBand, 0);
    });

    it("createDemoCluster = false is fine when targetClusters names something to watch", () => {
      const config = parse({ createDemoCluster: "false", targetClusters: '["prod"]' });
      assert.equal(config.createDemoCluster, false);
      assert.deepEqual(config.rebalancer.targetClusters, ["prod"]);
    });
  });

  describe("accepted edge values", () => {
    const accepted: Array<[string, string]> = [
      ["schedule", "none"],
      ["schedule", "rate(1 minute)"],
      ["schedule", "rate(1 hour)"],
      ["schedule", "rate(2 hours)"],
      ["schedule", "rate(1 day)"],
      ["schedule", "rate(7 days)"],
      ["instanceType", "c6gn.medium"],
      ["instanceType", "t3.small"],
      ["vpcCidr", "192.168.0.0/24"],
      ["certificateArn", "arn:aws-us-gov:acm:us-gov-west-1:123456789012:certificate/abc-123"],
      ["targetClusters", "[]"],
      ["containerCpu", "0"],
      ["deregistrationDelaySeconds", "0"],
      ["serviceDesiredCount", "0"],
    ];
    for (const [key, value] of accepted) {
      it(`${key} = ${value}`, () => {
        assert.doesNotThrow(() => parse({ [key]: value }));
      });
    }
  });

  describe("every invalid value is a one-line ConfigError naming key, value and what is allowed", () => {
    // [key, bad value, expected message fragment, other keys needed to reach the check]
    const rows: Array<[string, string, string, Record<string, string>?]> = [
      ["availabilityZoneCount", "1", 'config "availabilityZoneCount" = 1: must be between 2 and 6'],
      ["availabilityZoneCount", "7", "must be between 2 and 6"],
      ["availabilityZoneCount", "2.5", 'config "availabilityZoneCount" = "2.5": must be an integer'],
      ["availabilityZoneCount", "two", "must be an integer"],
      ["availabilityZoneCount", "", "must be an integer"],
      ["natGateways", "single", 'config "natGateways" = "single": must be one of Single, OnePerAz, None'],
      ["natGateways", "Multiple", "must be one of Single, OnePerAz, None"],
      ["vpcCidr", "10.0.0.0", 'config "vpcCidr" = "10.0.0.0": must be an IPv4 CIDR block'],
      ["vpcCidr", "10.0.0.0/8", "prefix between /16 and /24"],
      ["vpcCidr", "10.0.0.0/25", "prefix between /16 and /24"],
      ["vpcCidr", "10.0.256.0/16", "must be an IPv4 CIDR block"],
      ["vpcCidr", "10.0.1.0/16", "host bits must be zero"],
      ["createDemoCluster", "yes", 'config "createDemoCluster" = "yes": must be true or false'],
      ["createDemoCluster", "True", "must be true or false"],
      [
        "createDemoCluster",
        "false",
        'config "createDemoCluster" = false: requires at least one entry in targetClusters, otherwise there is nothing to watch',
      ],
      ["clusterName", "", "must be 1-255 letters, digits, hyphens or underscores"],
      ["clusterName", "my cluster", 'config "clusterName" = "my cluster": must be 1-255 letters, digits, hyphens or underscores'],
      ["clusterName", "a".repeat(256), "must be 1-255 letters"],
      ["instanceType", "small", 'config "instanceType" = "small": must be an EC2 instance type family.size'],
      ["instanceType", "T3.small", "must be an EC2 instance type"],
      ["instanceType", "t3.", "must be an EC2 instance type"],
      ["instanceType", "t.small", "must be an EC2 instance type"],
      ["minSize", "-1", "must be between 0 and 100"],
      ["maxSize", "0", "must be between 1 and 100"],
      ["maxSize", "101", "must be between 1 and 100"],
      ["maxSize", "1", 'config "maxSize" = 1: must be at least minSize (2)', { minSize: "2", desiredCapacity: "2" }],
      ["desiredCapacity", "5", 'config "desiredCapacity" = 5: must be between minSize (1) and maxSize (3)'],
      ["desiredCapacity", "0", "must be between minSize (1) and maxSize (3)"],
      ["rootVolumeSizeGiB", "20", 'config "rootVolumeSizeGiB" = 20: must be between 30 and 16384'],
      ["managedScaling", "1", "must be true or false"],
      ["managedTerminationProtection", "true", 'config "managedTerminationProtection" = true: requires managedScaling = true'],
      ["managedTerminationProtection", "on", "must be true or false"],
      ["targetCapacityPercent", "0", "must be between 1 and 100"],
      ["targetCapacityPercent", "101", "must be between 1 and 100"],
      [
        "certificateArn",
        "arn:aws:iam::123456789012:server-certificate/x",
        'config "certificateArn" = "arn:aws:iam::123456789012:server-certificate/x": must be an ACM certificate ARN',
      ],
      ["certificateArn", "arn:aws:acm:us-east-1:1234:certificate/abc", "must be an ACM certificate ARN"],
      ["healthCheckPath", "health", 'config "healthCheckPath" = "health": must start with "/"'],
      ["healthCheckPath", "/a b", 'must start with "/" and contain no spaces'],
      ["deregistrationDelaySeconds", "121", 'config "deregistrationDelaySeconds" = 121: must be between 0 and 120'],
      ["deregistrationDelaySeconds", "300", "must be between 0 and 120"],
      ["serviceDesiredCount", "1001", "must be between 0 and 1000"],
      ["serviceDesiredCount", "-1", "must be between 0 and 1000"],
      ["containerImage", "", "must be an image reference"],
      ["containerImage", "httpd 2.4", 'config "containerImage" = "httpd 2.4": must be an image reference'],
      ["containerImage", "public.ecr.aws/docker/library/httpd:2.4", "must be an image reference pinned by digest"],
      ["containerImage", "nginx@sha256:abc", "pinned by digest, <repository>[:tag]@sha256:<64 hex digits>"],
      ["containerPort", "80", 'config "containerPort" = 80: must be between 1024 and 65535'],
      ["containerPort", "65536", "must be between 1024 and 65535"],
      ["containerUser", "0", 'config "containerUser" = "0": must be a numeric non-root user'],
      ["containerUser", "0:0", "must be a numeric non-root user"],
      ["containerUser", "root", "must be a numeric non-root user"],
      ["containerUser", "nginx", "must be a numeric non-root user"],
      ["deletionProtection", "yes", 'config "deletionProtection" = "yes": must be true or false'],
      ["detailedMonitoring", "1", 'config "detailedMonitoring" = "1": must be true or false'],
      ["accessLogRetentionDays", "0", 'config "accessLogRetentionDays" = 0: must be between 1 and 3650'],
      ["accessLogRetentionDays", "3651", "must be between 1 and 3650"],
      ["flowLogTrafficType", "all", 'config "flowLogTrafficType" = "all": must be one of ALL, ACCEPT, REJECT'],
      ["flowLogRetentionDays", "100", 'config "flowLogRetentionDays" = 100: must be one of CloudWatch\'s retention values'],
      ["dashboard", "off", 'config "dashboard" = "off": must be true or false'],
      ["alarmTopicArn", "oncall", 'config "alarmTopicArn" = "oncall": must be an SNS topic ARN'],
      ["alarmTopicArn", "arn:aws:sqs:us-east-1:123456789012:oncall", "must be an SNS topic ARN"],
      ["stuckAlarmRuns", "-1", 'config "stuckAlarmRuns" = -1: must be between 0 and 10080'],
      [
        "stuckAlarmRuns",
        "97",
        "config \"stuckAlarmRuns\" = 97: times the schedule's 900 s exceeds CloudWatch's longest alarm evaluation range (one day for periods under an hour, else seven days): at most 96",
      ],
      ["stuckAlarmRuns", "8", "at most 7", { schedule: "rate(1 day)" }],
      ["stuckAlarmRuns", "2", "counts scheduled runs, so it needs schedule = rate(...)", { schedule: "none" }],
      ["stuckAlarmRuns", "4", 'it is "cron(0/10 * * * ? *)"', { schedule: "cron(0/10 * * * ? *)" }],
      ["targetClusters", '["rebalance-demo"]', 'config "targetClusters[0]" = "rebalance-demo": is a second cluster named "rebalance-demo"'],
      [
        "targetClusters",
        '["prod","arn:aws:ecs:eu-west-1:123456789012:cluster/prod"]',
        'config "targetClusters[1]" = "arn:aws:ecs:eu-west-1:123456789012:cluster/prod": is a second cluster named "prod"',
      ],
      ["containerCpu", "10241", "must be between 0 and 10240"],
      ["containerCpu", "0.5", "must be an integer"],
      ["containerMemory", "5", 'config "containerMemory" = 5: must be between 6 and'],
      ["logRetentionDays", "10", 'config "logRetentionDays" = 10: must be one of CloudWatch\'s retention values 1, 3, 5, 7, 14'],
      ["logRetentionDays", "0", "must be between 1 and 3653"],
      ["targetClusters", "prod", 'config "targetClusters" = "prod": must be a JSON list of ECS cluster names or ARNs'],
      ["targetClusters", '{"a":1}', "must be a JSON list"],
      ["targetClusters", '["prod", 3]', 'config "targetClusters[1]" = 3: must be a cluster name'],
      ["targetClusters", '["my cluster"]', 'config "targetClusters[0]" = "my cluster": must be a cluster name'],
      ["targetClusters", '["arn:aws:ecs:us-east-1:123:cluster/x"]', "must be a cluster name"],
      ["targetClusters", '["arn:aws:ecs:us-east-1:123456789012:service/x/y"]', "must be a cluster name"],
      ["targetClusters", '["prod","prod"]', 'config "targetClusters[1]" = "prod": is listed twice'],
      ["dryRun", "maybe", 'config "dryRun" = "maybe": must be true or false'],
      ["pinLoadMoves", "off", 'config "pinLoadMoves" = "off": must be true or false'],
      ["maxMovesPerRun", "0", 'config "maxMovesPerRun" = 0: must be between 1 and 100'],
      ["maxMovesPerRun", "101", "must be between 1 and 100"],
      ["maxMovesPerService", "0", 'config "maxMovesPerService" = 0: must be between 1 and 100'],
      ["maxMovesPerInstance", "101", 'config "maxMovesPerInstance" = 101: must be between 1 and 100'],
      [
        "clusterLoadBand",
        "-1",
        'config "clusterLoadBand" = "-1": must be an integer between 0 and 100 (tasks from the zone\'s average), or false to turn the load pass off',
      ],
      ["clusterLoadBand", "101", "must be an integer between 0 and 100"],
      ["clusterLoadBand", "1.5", "must be an integer between 0 and 100"],
      ["clusterLoadBand", "true", "or false to turn the load pass off"],
      [
        "schedule",
        "rate(5 minute)",
        'config "schedule" = "rate(5 minute)": must be "none", rate(N minute|minutes|hour|hours|day|days) or cron(<6 fields>), with a singular unit exactly when N = 1',
      ],
      ["schedule", "rate(1 minutes)", "singular unit exactly when N = 1"],
      ["schedule", "rate(0 minutes)", "singular unit exactly when N = 1"],
      ["schedule", "rate(15 seconds)", 'must be "none", rate('],
      [
        "schedule",
        "cron(0 12 * * ?)",
        'config "schedule" = "cron(0 12 * * ?)": EventBridge would reject this cron expression: has 5 fields',
      ],
      ["schedule", "*/15 * * * *", 'must be "none"'],
      ["schedule", "None", 'must be "none"'],
      ["surgeTimeoutMinutes", "0", 'config "surgeTimeoutMinutes" = 0: must be between 1 and 180'],
      ["surgeTimeoutMinutes", "181", "must be between 1 and 180"],
      ["reservedConcurrency", "0", 'config "reservedConcurrency" = 0: must be between 1 and 10'],
      ["reservedConcurrency", "11", "must be between 1 and 10"],
      ["rebalancerLogRetentionDays", "15", 'config "rebalancerLogRetentionDays" = 15: must be one of CloudWatch\'s retention values'],
      ["functionTimeoutSeconds", "9", 'config "functionTimeoutSeconds" = 9: must be between 10 and 900'],
      ["functionTimeoutSeconds", "901", "must be between 10 and 900"],
      ["updateServicePerSecond", "6", 'config "updateServicePerSecond" = "6": must be a number of writes per second from 0.1 to 5'],
      ["updateServicePerSecond", "0.05", "from 0.1 to 5"],
      ["tagResourcePerSecond", "fast", "from 0.1 to 10"],
      ["stopTaskPerSecond", "41", "from 0.1 to 40"],
      ["updateTaskProtectionPerSecond", "1e1", "from 0.1 to 10"],
    ];

    for (const [key, value, fragment, context] of rows) {
      it(`${key} = ${JSON.stringify(value.length > 40 ? value.slice(0, 20) + "…" : value)} → ${fragment}`, () => {
        assert.throws(
          () => parse({ ...context, [key]: value }),
          (err: unknown) => {
            assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
            assert.ok(err.message.includes(fragment), `"${err.message}" does not contain "${fragment}"`);
            assert.ok(err.message.startsWith(`config "${key}`), `"${err.message}" does not name ${key}`);
            assert.ok(!err.message.includes("\n"), "the message must be one line");
            return true;
          },
        );
      });
    }

    it("the table covers every key in DEFAULTS", () => {
      const covered = new Set(rows.map(([key]) => key));
      const uncovered = Object.keys(DEFAULTS).filter((key) => !covered.has(key));
      assert.deepEqual(uncovered, []);
    });
  });

  it("Pulumi.dev.yaml documents every key; its values are the defaults, except the demo's cheap choices (DEMO_CHOICES)", () => {
    const yaml = readFileSync(join(__dirname, "../../Pulumi.dev.yaml"), "utf8");
    const documented = new Map<string, string>();
    for (const match of yaml.matchAll(/^\s*(#\s*)?ecs-task-rebalancer:(\w+):\s*(.*)$/gm)) {
      // Commented-out keys are documented but unset (their default is "unset").
      documented.set(match[2], match[1] ? "" : match[3].replace(/^"(.*)"$/, "$1"));
    }
    assert.deepEqual([...documented.keys()].sort(), Object.keys(DEFAULTS).sort());
    const set = Object.fromEntries([...documented].filter(([, value]) => value !== ""));
    const demo = Object.fromEntries(Object.entries(DEMO_CHOICES).map(([key, value]) => [key, String(value)]));
    assert.deepEqual(parse(set), parse(demo));
    for (const [key, value] of Object.entries(DEMO_CHOICES)) {
      assert.notEqual(value, DEFAULTS[key as keyof typeof DEFAULTS], `${key}: a demo choice must differ from the default`);
    }
    assert.match(yaml, /^\s*aws:region: us-east-1$/m);
  });

  describe("stuckAlarmRuns left unset follows the schedule", () => {
    const cases: Array<[string, number]> = [
      ["rate(15 minutes)", 4],
      ["rate(1 day)", 4],
      ["rate(1 minute)", 4],
      ["none", 0],
      ["cron(0/10 * * * ? *)", 0],
    ];
    for (const [schedule, runs] of cases) {
      it(`schedule ${schedule} → ${runs}${runs === 0 ? " (no stuck alarm: nothing periodic to count)" : ""}`, () => {
        assert.equal(parse({ schedule }).monitoring.stuckAlarmRuns, runs);
      });
    }
    it("rate(2 days) → 3, the most CloudWatch allows in seven days", () => {
      assert.equal(parse({ schedule: "rate(2 days)" }).monitoring.stuckAlarmRuns, 3);
    });
  });

  it("README's configuration table lists every key, once", () => {
    const readme = readFileSync(join(__dirname, "../../README.md"), "utf8");
    const listed = [...readme.matchAll(/^\| `(\w+)` \|/gm)].map((m) => m[1]).filter((key) => key in DEFAULTS);
    assert.deepEqual([...listed].sort(), Object.keys(DEFAULTS).sort());
  });

  it("LOG_RETENTION_DAYS is CloudWatch's list, and every value in it is accepted", () => {
    assert.equal(LOG_RETENTION_DAYS.length, 22);
    for (const days of LOG_RETENTION_DAYS) {
      assert.equal(parse({ logRetentionDays: String(days) }).service.logRetentionDays, days);
      assert.equal(parse({ rebalancerLogRetentionDays: String(days) }).rebalancer.logRetentionDays, days);
    }
  });

  it("ConfigError carries the key and value for callers that want them", () => {
    try {
      parse({ maxMovesPerRun: "0" });
      assert.fail("expected a ConfigError");
    } catch (err) {
      assert.ok(err instanceof ConfigError);
      assert.equal(err.key, "maxMovesPerRun");
      assert.equal(err.value, 0);
      assert.equal(err.name, "ConfigError");
    }
  });
});
