/**
 * The services of a seeded history, with real ActionTrail service names, API versions and
 * operation names. Operation tokens read `Name[:resource[!]][>Payload]`: `:resource` makes the
 * event name that resource (resourceType/resourceName and its id parameter); `!` marks operations
 * whose resource id the service assigns (answered in responseElements, not sent); `>Payload` adds
 * a large parameter (user data, a policy document, …), which is what gives events their size tail.
 * Lists are whitespace-separated text so the catalogue stays readable at a glance.
 */
export interface ResourceKind {
  type: string;
  param: string;
  /** `regional`: `prefix` + region code + 17 chars (i-bp1…); the others are names. */
  id: 'regional' | 'bucket' | 'user' | 'role' | 'uuid' | 'project' | 'trail' | 'domain' | 'policy';
  prefix?: string;
}

export interface ServiceSpec {
  serviceName: string;
  /** eventSource, `{r}` = region. */
  host: string;
  apiVersion: string;
  /** Relative share of API calls. */
  weight: number;
  /** Global services (RAM, STS) report their events in the first configured region. */
  global?: boolean;
  resources: Record<string, ResourceKind>;
  reads: string[];
  writes: string[];
  /** [errorCode, errorMessage] this service answers with, besides the common ones. */
  errors: [string, string][];
  /** Operations Alibaba itself performs (eventType AliyunServiceEvent). */
  serviceEvents?: string[];
}

const ops = (text: TemplateStringsArray): string[] => text.join('').trim().split(/\s+/);

/** One `Code: message` per line. */
const errs = (text: TemplateStringsArray): [string, string][] =>
  text
    .join('')
    .trim()
    .split('\n')
    .map((line) => {
      const at = line.indexOf(': ');
      return [line.slice(0, at).trim(), line.slice(at + 2).trim()];
    });

const regional = (type: string, param: string, prefix: string): ResourceKind => ({
  type,
  param,
  id: 'regional',
  prefix,
});

export const SERVICES: ServiceSpec[] = [
  {
    serviceName: 'Ecs',
    host: 'ecs.{r}.aliyuncs.com',
    apiVersion: '2014-05-26',
    weight: 26,
    resources: {
      i: regional('ACS::ECS::Instance', 'InstanceId', 'i-'),
      d: regional('ACS::ECS::Disk', 'DiskId', 'd-'),
      sg: regional('ACS::ECS::SecurityGroup', 'SecurityGroupId', 'sg-'),
    },
    reads: ops`
      DescribeInstances DescribeInstanceStatus DescribeInstanceAttribute:i DescribeDisks
      DescribeSecurityGroups DescribeSecurityGroupAttribute:sg DescribeImages DescribeRegions
      DescribeInstanceTypes DescribeSnapshots DescribeTags`,
    writes: ops`
      StartInstance:i StopInstance:i RebootInstance:i RunInstances:i!>UserData DeleteInstance:i
      ModifyInstanceAttribute:i AuthorizeSecurityGroup:sg RevokeSecurityGroup:sg
      CreateSnapshot:d CreateDisk:d! AttachDisk:d TagResources:i`,
    errors: errs`
      InvalidInstanceId.NotFound: The specified InstanceId does not exist.
      IncorrectInstanceStatus: The current status of the resource does not support this operation.
      OperationDenied.NoStock: The requested resource is sold out in the specified zone; try other types of resources or other regions and zones.`,
    serviceEvents: ops`AutoRenewInstance ReleaseExpiredInstance SystemMaintenance.Reboot`,
  },
  {
    serviceName: 'Oss',
    host: 'oss-{r}.aliyuncs.com',
    apiVersion: '2019-05-17',
    weight: 12,
    resources: { b: { type: 'ACS::OSS::Bucket', param: 'BucketName', id: 'bucket' } },
    reads: ops`
      GetService GetBucketInfo:b GetBucketAcl:b GetBucketLifecycle:b GetBucketPolicy:b
      GetBucketLogging:b`,
    writes: ops`
      PutBucket:b DeleteBucket:b PutBucketAcl:b PutBucketLifecycle:b>Lifecycle
      PutBucketPolicy:b>Policy PutBucketLogging:b`,
    errors: errs`
      NoSuchBucket: The specified bucket does not exist.
      AccessDenied: You have no right to access this object because of bucket acl.`,
    serviceEvents: ops`TransitionLifecycle`,
  },
  {
    serviceName: 'Ram',
    host: 'ram.aliyuncs.com',
    apiVersion: '2015-05-01',
    weight: 8,
    global: true,
    resources: {
      u: { type: 'ACS::RAM::User', param: 'UserName', id: 'user' },
      r: { type: 'ACS::RAM::Role', param: 'RoleName', id: 'role' },
      p: { type: 'ACS::RAM::Policy', param: 'PolicyName', id: 'policy' },
    },
    reads: ops`
      ListUsers GetUser:u ListPolicies GetPolicy:p ListRoles GetRole:r ListAccessKeys:u
      ListPoliciesForUser:u ListGroups`,
    writes: ops`
      CreateUser:u DeleteUser:u UpdateUser:u CreateAccessKey:u DeleteAccessKey:u
      AttachPolicyToUser:u DetachPolicyFromUser:u CreatePolicyVersion:p>PolicyDocument
      CreatePolicy:p>PolicyDocument AttachPolicyToRole:r CreateRole:r>AssumeRolePolicyDocument`,
    errors: errs`
      EntityNotExist.User: The user does not exist.
      EntityAlreadyExists.User: The user already exists.
      LimitExceeded.AccessKey: The count of access keys of this user exceeds the limit.`,
  },
  {
    serviceName: 'Sts',
    host: 'sts.aliyuncs.com',
    apiVersion: '2015-04-01',
    weight: 9,
    global: true,
    resources: { r: { type: 'ACS::RAM::Role', param: 'RoleArn', id: 'role' } },
    reads: ops`GetCallerIdentity`,
    writes: ops`AssumeRole:r`,
    errors: errs`EntityNotExist.Role: The role not exists.`,
  },
  {
    serviceName: 'Vpc',
    host: 'vpc.{r}.aliyuncs.com',
    apiVersion: '2016-04-28',
    weight: 8,
    resources: {
      v: regional('ACS::VPC::VPC', 'VpcId', 'vpc-'),
      s: regional('ACS::VPC::VSwitch', 'VSwitchId', 'vsw-'),
      e: regional('ACS::VPC::EIP', 'AllocationId', 'eip-'),
    },
    reads: ops`
      DescribeVpcs DescribeVSwitches DescribeRouteTables DescribeEipAddresses
      DescribeNatGateways DescribeVpcAttribute:v`,
    writes: ops`
      CreateVpc:v! DeleteVpc:v CreateVSwitch:s! DeleteVSwitch:s AllocateEipAddress:e!
      ReleaseEipAddress:e AssociateEipAddress:e ModifyVpcAttribute:v`,
    errors: errs`
      InvalidVpcId.NotFound: Specified VPC does not exist.
      DependencyViolation.VSwitch: Specified object has dependent resources.`,
  },
  {
    serviceName: 'Slb',
    host: 'slb.{r}.aliyuncs.com',
    apiVersion: '2014-05-15',
    weight: 5,
    resources: { l: regional('ACS::SLB::LoadBalancer', 'LoadBalancerId', 'lb-') },
    reads: ops`
      DescribeLoadBalancers DescribeLoadBalancerAttribute:l DescribeHealthStatus:l
      DescribeVServerGroups:l`,
    writes: ops`
      CreateLoadBalancer:l! DeleteLoadBalancer:l SetBackendServers:l AddBackendServers:l
      RemoveBackendServers:l SetLoadBalancerStatus:l`,
    errors: errs`InvalidLoadBalancerId.NotFound: The specified LoadBalancerId does not exist.`,
  },
  {
    serviceName: 'Rds',
    host: 'rds.{r}.aliyuncs.com',
    apiVersion: '2014-08-15',
    weight: 6,
    resources: { db: regional('ACS::RDS::DBInstance', 'DBInstanceId', 'rm-') },
    reads: ops`
      DescribeDBInstances DescribeDBInstanceAttribute:db DescribeBackups:db
      DescribeSlowLogs:db DescribeDatabases:db DescribeAccounts:db`,
    writes: ops`
      CreateDBInstance:db! DeleteDBInstance:db ModifySecurityIps:db>SecurityIps
      CreateDatabase:db CreateAccount:db ResetAccountPassword:db RestartDBInstance:db`,
    errors: errs`
      InvalidDBInstanceId.NotFound: Specified instance does not exist or not support.
      IncorrectDBInstanceState: Current DB instance state does not support this operation.`,
    serviceEvents: ops`AutoBackupDBInstance`,
  },
  {
    serviceName: 'Kms',
    host: 'kms.{r}.aliyuncs.com',
    apiVersion: '2016-01-20',
    weight: 5,
    resources: { k: { type: 'ACS::KMS::Key', param: 'KeyId', id: 'uuid' } },
    reads: ops`ListKeys DescribeKey:k ListAliases GetSecretValue DescribeRegions`,
    writes: ops`
      CreateKey:k! ScheduleKeyDeletion:k EnableKey:k DisableKey:k CreateSecret PutSecretValue
      UpdateSecret`,
    errors: errs`Forbidden.KeyNotFound: The specified Key is not found.`,
    serviceEvents: ops`RotateSecret`,
  },
  {
    serviceName: 'Actiontrail',
    host: 'actiontrail.{r}.aliyuncs.com',
    apiVersion: '2020-07-06',
    weight: 4,
    resources: { t: { type: 'ACS::ActionTrail::Trail', param: 'Name', id: 'trail' } },
    reads: ops`LookupEvents DescribeTrails GetTrailStatus:t ListDeliveryHistoryJobs`,
    writes: ops`CreateTrail:t UpdateTrail:t StartLogging:t StopLogging:t DeleteTrail:t`,
    errors: errs`TrailNotFoundException: The trail does not exist.`,
  },
  {
    serviceName: 'Sls',
    host: '{r}.log.aliyuncs.com',
    apiVersion: '2020-12-30',
    weight: 7,
    resources: { pr: { type: 'ACS::SLS::Project', param: 'ProjectName', id: 'project' } },
    reads: ops`ListProject GetProject:pr ListLogStores:pr GetLogStore:pr GetIndex:pr`,
    writes: ops`
      CreateProject:pr CreateLogStore:pr DeleteLogStore:pr UpdateLogStore:pr
      CreateIndex:pr>IndexDetail UpdateIndex:pr>IndexDetail`,
    errors: errs`ProjectNotExist: The Project does not exist.`,
  },
  {
    serviceName: 'Cms',
    host: 'metrics.{r}.aliyuncs.com',
    apiVersion: '2019-01-01',
    weight: 8,
    resources: {},
    reads: ops`
      DescribeMetricList DescribeMetricLast DescribeAlertHistoryList DescribeMetricRuleList
      DescribeContactList`,
    writes: ops`
      PutResourceMetricRule DeleteMetricRules EnableMetricRules DisableMetricRules PutContact`,
    errors: errs`ResourceNotFound: The specified resource is not found.`,
  },
  {
    serviceName: 'Alidns',
    host: 'alidns.{r}.aliyuncs.com',
    apiVersion: '2015-01-09',
    weight: 2,
    resources: { dn: { type: 'ACS::DNS::Domain', param: 'DomainName', id: 'domain' } },
    reads: ops`DescribeDomains DescribeDomainRecords:dn DescribeDomainInfo:dn`,
    writes: ops`AddDomainRecord:dn UpdateDomainRecord:dn DeleteDomainRecord:dn`,
    errors: errs`DomainRecordDuplicate: The DNS record already exists.`,
  },
];

/** Errors any service may answer. */
export const COMMON_ERRORS = errs`
  NoPermission: You are not authorized to do this action. You should be authorized by RAM.
  Forbidden.RAM: User not authorized to operate on the specified resource, or this API does not support RAM.
  Throttling.User: Request was denied due to user flow control.
  InvalidParameter: The specified parameter is not valid.
  ServiceUnavailable: The request has failed due to a temporary failure of the server.`;
