/**
 * The DingTalk Connect twin's fixtures: organisations, the apps that call the API (self-built apps and
 * third-party suites), connectors with their actions / integration flows, and the grants organisations gave.
 */

import type { components } from './generated/openapi.ts';

type Schemas = components['schemas'];
export type ConnectorType = Schemas['ConnectorType'];
type JsonObject = Record<string, unknown>;

/** Who signs in on the authority page for an organisation (its administrator). */
export interface OrgAdminFixture {
  login: string;
  password: string;
}

export interface OrgFixture {
  corpId: string;
  name: string;
  /** The organisation's administrator: the only one who may grant or revoke on the authority page. None: nobody may. */
  admin?: OrgAdminFixture;
}

/** A self-built (internal) app: one organisation, sees everything the organisation may use. */
export interface SelfBuiltAppFixture {
  appKey: string;
  appSecret: string;
  corpId: string;
  name: string;
}

/** A third-party suite: installed in some organisations, approved for some third-party / official connectors. */
export interface SuiteFixture {
  suiteKey: string;
  suiteSecret: string;
  suiteTicket: string;
  name: string;
  installedCorpIds: string[];
  /** Third-party and official connectors the platform approved the suite for (its usage scope). */
  usageScope: string[];
}

export interface ConnectorFixture {
  id: string;
  name: string;
  description?: string;
  type: ConnectorType;
  providerCorpId: string;
  icon?: string;
  /** Third-party connectors: the organisations that installed the app and subscribed. Official: absent means every organisation. */
  availableToCorpIds?: string[];
}

interface FailureRule {
  /** The failure applies when every key of `input` equals the invocation's input value. */
  input: JsonObject;
  errorCode: string;
  errorMessage: string;
}

export interface ActionFixture {
  id: string;
  connectorId: string;
  name: string;
  description?: string;
  icon?: string;
  /** Actions and integration flows invoke the same way; details say which in `refType`. */
  refType: Schemas['ActionDetail']['refType'];
  integrationType: Schemas['IntegrationType'];
  inputSchema: JsonObject;
  outputSchema: JsonObject;
  /** The output of a successful invocation; absent means generated from outputSchema (deterministically). */
  output?: JsonObject;
  /** Business failures: HTTP 200 with this errorCode when the input matches. */
  failures?: FailureRule[];
  /** Milliseconds reported as `cost`; default 20. */
  cost?: number;
  versionId?: string;
  integrationConfig?: Schemas['ActionDetail']['integrationConfig'];
}

/** An organisation's grant of an asset to an app (appKey) or a suite (suiteKey). */
interface GrantFixture {
  corpId: string;
  clientId: string;
  actionIds: string[];
}

export interface DingTalkFixtures {
  orgs: OrgFixture[];
  apps: SelfBuiltAppFixture[];
  suites: SuiteFixture[];
  connectors: ConnectorFixture[];
  actions: ActionFixture[];
  /** Suites are authorized only for what is granted here; self-built apps for everything they see unless revoked. */
  grants: GrantFixture[];
  /** Tokens that exist from the start (QA and Pact states); they live tokenTtlSeconds from seeding. */
  tokens?: { token: string; corpId: string; clientId: string }[];
  /** Connection instances that exist from the start. */
  instances?: { corpId: string; clientId: string; actionId: string; instanceKey: string }[];
  /** Default page size of the list endpoints (maxResults absent). */
  defaultPageSize: number;
  /** Lifetime of an access token in seconds (expireIn). */
  tokenTtlSeconds: number;
  /** Execution records kept (oldest dropped first); default 10 000. */
  maxExecutions?: number;
  /** Live access tokens kept (expired ones are swept; past the maximum the oldest go); default 50 000. */
  maxTokens?: number;
  /** Connection instances kept (oldest dropped first); default 10 000. */
  maxInstances?: number;
}

export const DEFAULT_MAX_EXECUTIONS = 10_000;
export const DEFAULT_MAX_TOKENS = 50_000;
export const DEFAULT_MAX_INSTANCES = 10_000;

/** The default organisation. */
export const DEFAULT_CORP_ID = 'dingdoppelcorp';
/** An organisation that did not install the suite (its corpAccessToken fails with invalidAuthInfo). */
export const OTHER_CORP_ID = 'dingdoppelothercorp';
export const ISV_CORP_ID = 'dingdoppelisvcorp';
export const OFFICIAL_CORP_ID = 'dingofficialconnect';

export const SELF_BUILT_APP = {
  appKey: 'dingdoppelselfbuilt',
  appSecret: 'doppel-self-built-secret',
  corpId: DEFAULT_CORP_ID,
  name: 'Doppel 自建应用',
} as const satisfies SelfBuiltAppFixture;

/** The default organisations' administrators: who signs in on the authority page (package README, "The authority page"). */
export const ORG_ADMIN = { login: 'admin', password: 'doppel-admin' } as const satisfies OrgAdminFixture;
export const OTHER_ORG_ADMIN = { login: 'other-admin', password: 'doppel-other-admin' } as const satisfies OrgAdminFixture;

export const SUITE = {
  suiteKey: 'suitedoppelthirdparty',
  suiteSecret: 'doppel-suite-secret',
  suiteTicket: 'doppel-suite-ticket',
  name: 'Doppel 三方应用',
} as const;

/** Connector and action ids the tests, the Pact states and the README refer to. */
export const IDS = {
  crm: 'G-CONN-1016B0A1E1D3C2B7',
  erp: 'G-CONN-1016B0A1E1D3C2E1',
  esign: 'G-CONN-1016B0A1E1D3C2E2',
  todo: 'G-CONN-1016B0A1E1D3C2F1',
  calendar: 'G-CONN-1016B0A1E1D3C2F2',
  createCustomer: 'G-ACT-101FDEBD3C6E213DB4740001',
  queryCustomer: 'G-ACT-101FDEBD3C6E213DB4740002',
  syncCustomersFlow: 'G-ACT-101FDEBD3C6E213DB4740003',
  createOrder: 'G-ACT-101FDEBD3C6E213DB4740011',
  queryStock: 'G-ACT-101FDEBD3C6E213DB4740012',
  createContract: 'G-ACT-101FDEBD3C6E213DB4740021',
  signContract: 'G-ACT-101FDEBD3C6E213DB4740022',
  createTodo: 'G-ACT-101FDEBD3C6E213DB4740031',
  listTodos: 'G-ACT-101FDEBD3C6E213DB4740032',
  createEvent: 'G-ACT-101FDEBD3C6E213DB4740041',
  listEvents: 'G-ACT-101FDEBD3C6E213DB4740042',
} as const;

/** `dca://<provider>.connect.dingtalk.com/<provider>/action/<id>`, the real form of a connect asset URI. */
export function connectAssetUri(providerCorpId: string, actionId: string): string {
  return `dca://${providerCorpId}.connect.dingtalk.com/${providerCorpId}/action/${actionId}`;
}

/** How many filler official connectors the defaults carry (so `official` has more than one default page). */
export const FILLER_OFFICIAL_CONNECTORS = 10;
const filler = (i: number) => ({
  connector: `G-CONN-1016B0A1E1D3C3${String(i).padStart(2, '0')}`,
  action: `G-ACT-101FDEBD3C6E213DB47401${String(i).padStart(2, '0')}`,
});

const str = (extra: JsonObject = {}) => ({ type: 'string', ...extra });

function defaultConnectors(): ConnectorFixture[] {
  const list: ConnectorFixture[] = [
    {
      id: IDS.crm,
      name: 'Doppel CRM',
      description: '企业自建的客户管理系统',
      type: 'self_built',
      providerCorpId: DEFAULT_CORP_ID,
      icon: 'https://static.dingtalk.com/media/doppel-crm.png',
    },
    {
      id: IDS.erp,
      name: '云进销存 ERP',
      description: '三方已上架的进销存连接器',
      type: 'third_party',
      providerCorpId: ISV_CORP_ID,
      icon: 'https://static.dingtalk.com/media/doppel-erp.png',
      availableToCorpIds: [DEFAULT_CORP_ID],
    },
    {
      id: IDS.esign,
      name: '电子签章',
      description: '三方电子签章连接器(不在三方应用的使用范围内)',
      type: 'third_party',
      providerCorpId: ISV_CORP_ID,
      icon: 'https://static.dingtalk.com/media/doppel-esign.png',
      availableToCorpIds: [DEFAULT_CORP_ID],
    },
    {
      id: IDS.todo,
      name: '钉钉待办',
      description: '官方待办连接器',
      type: 'official',
      providerCorpId: OFFICIAL_CORP_ID,
      icon: 'https://static.dingtalk.com/media/todo.png',
    },
    {
      id: IDS.calendar,
      name: '钉钉日程',
      description: '官方日程连接器',
      type: 'official',
      providerCorpId: OFFICIAL_CORP_ID,
      icon: 'https://static.dingtalk.com/media/calendar.png',
    },
  ];
  for (let i = 1; i <= FILLER_OFFICIAL_CONNECTORS; i++) {
    list.push({
      id: filler(i).connector,
      name: `官方连接器 ${String(i).padStart(2, '0')}`,
      description: '官方提供的通用连接器',
      type: 'official',
      providerCorpId: OFFICIAL_CORP_ID,
    });
  }
  return list;
}

function defaultActions(): ActionFixture[] {
  const list: ActionFixture[] = [
    {
      id: IDS.createCustomer,
      connectorId: IDS.crm,
      name: '创建客户',
      description: '在 Doppel CRM 中新建客户',
      refType: 'action',
      integrationType: 'basic',
      inputSchema: {
        type: 'object',
        required: ['name', 'mobile'],
        properties: {
          name: str({ title: '客户名称', minLength: 1 }),
          mobile: str({ title: '手机号', pattern: '^1[0-9]{10}$' }),
          level: { type: 'string', title: '客户等级', enum: ['A', 'B', 'C'] },
        },
      },
      outputSchema: {
        type: 'object',
        required: ['customerId', 'createdAt'],
        properties: { customerId: str(), createdAt: str({ format: 'date-time' }) },
      },
      output: { customerId: 'CUST-0001', createdAt: '2024-05-01T08:00:00Z' },
      failures: [{ input: { name: '重复客户' }, errorCode: 'CUSTOMER_EXISTS', errorMessage: '客户已存在' }],
      cost: 35,
      integrationConfig: {
        entityName: 'customer',
        categoryNames: [{ value: '客户管理' }],
        props: [{ key: 'operation', value: 'create' }],
      },
    },
    {
      id: IDS.queryCustomer,
      connectorId: IDS.crm,
      name: '查询客户',
      refType: 'action',
      integrationType: 'basic',
      inputSchema: { type: 'object', required: ['customerId'], properties: { customerId: str({ title: '客户ID' }) } },
      outputSchema: {
        type: 'object',
        required: ['customerId', 'name', 'level'],
        properties: {
          customerId: str(),
          name: str(),
          level: { enum: ['A', 'B', 'C'] },
          tags: { type: 'array', items: str(), minItems: 1 },
        },
      },
      integrationConfig: { entityName: 'customer', categoryNames: [{ value: '客户管理' }], props: [{ key: 'operation', value: 'get' }] },
    },
    {
      id: IDS.syncCustomersFlow,
      connectorId: IDS.crm,
      name: '客户同步集成流',
      description: '集成流:把客户同步到 ERP,像执行动作一样调用',
      refType: 'integration_flow',
      integrationType: 'basic',
      inputSchema: {
        type: 'object',
        required: ['since'],
        properties: { since: str({ format: 'date-time' }), dryRun: { type: 'boolean' } },
      },
      outputSchema: {
        type: 'object',
        required: ['synced', 'failed'],
        properties: { synced: { type: 'integer', minimum: 0 }, failed: { type: 'integer', minimum: 0 } },
      },
      output: { synced: 12, failed: 0 },
      cost: 180,
      integrationConfig: { entityName: 'customer_sync', categoryNames: [{ value: '集成流' }], props: [] },
    },
    {
      id: IDS.createOrder,
      connectorId: IDS.erp,
      name: '创建销售订单',
      refType: 'action',
      integrationType: 'basic',
      inputSchema: {
        type: 'object',
        required: ['customerName', 'items'],
        properties: {
          customerName: str({ minLength: 1 }),
          items: {
            type: 'array',
            minItems: 1,
            items: {
              type: 'object',
              required: ['sku', 'quantity'],
              properties: { sku: str(), quantity: { type: 'integer', minimum: 1 } },
            },
          },
          remark: str(),
        },
      },
      outputSchema: {
        type: 'object',
        required: ['orderNo', 'status', 'amount'],
        properties: { orderNo: str(), status: { enum: ['created', 'pending'] }, amount: { type: 'number', minimum: 0 } },
      },
      output: { orderNo: 'SO-20240501-0001', status: 'created', amount: 199.5 },
      failures: [{ input: { customerName: '停用客户' }, errorCode: 'ERP_CUSTOMER_DISABLED', errorMessage: '客户已停用,无法下单' }],
      cost: 60,
      integrationConfig: { entityName: 'sales_order', categoryNames: [{ value: '销售' }], props: [{ key: 'operation', value: 'create' }] },
    },
    {
      id: IDS.queryStock,
      connectorId: IDS.erp,
      name: '查询库存',
      refType: 'action',
      integrationType: 'basic',
      inputSchema: { type: 'object', required: ['sku'], properties: { sku: str({ minLength: 1 }), warehouse: str() } },
      outputSchema: {
        type: 'object',
        required: ['sku', 'available'],
        properties: { sku: str(), available: { type: 'integer', minimum: 0 }, warehouse: str() },
      },
      integrationConfig: { entityName: 'stock', categoryNames: [{ value: '库存' }], props: [] },
    },
    {
      id: IDS.createContract,
      connectorId: IDS.esign,
      name: '发起签署',
      refType: 'action',
      integrationType: 'basic',
      inputSchema: {
        type: 'object',
        required: ['title', 'signers'],
        properties: { title: str(), signers: { type: 'array', items: str(), minItems: 1 } },
      },
      outputSchema: { type: 'object', required: ['flowId'], properties: { flowId: str() } },
    },
    {
      id: IDS.signContract,
      connectorId: IDS.esign,
      name: '查询签署状态',
      refType: 'action',
      integrationType: 'basic',
      inputSchema: { type: 'object', required: ['flowId'], properties: { flowId: str() } },
      outputSchema: { type: 'object', required: ['status'], properties: { status: { enum: ['signing', 'done', 'rejected'] } } },
    },
    {
      id: IDS.createTodo,
      connectorId: IDS.todo,
      name: '创建待办',
      refType: 'action',
      integrationType: 'basic',
      inputSchema: {
        type: 'object',
        required: ['subject', 'executorIds'],
        properties: {
          subject: str({ minLength: 1, maxLength: 1024 }),
          executorIds: { type: 'array', items: str(), minItems: 1 },
          dueTime: { type: 'integer', description: '截止时间,毫秒时间戳' },
        },
      },
      outputSchema: {
        type: 'object',
        required: ['id', 'subject', 'createdTime'],
        properties: { id: str(), subject: str(), createdTime: { type: 'integer' }, done: { type: 'boolean' } },
      },
      integrationConfig: { entityName: 'todo_task', categoryNames: [{ value: '待办' }], props: [] },
    },
    {
      id: IDS.listTodos,
      connectorId: IDS.todo,
      name: '查询待办列表',
      refType: 'action',
      integrationType: 'basic',
      inputSchema: { type: 'object', properties: { isDone: { type: 'boolean' } } },
      outputSchema: {
        type: 'object',
        required: ['todoCards'],
        properties: {
          todoCards: {
            type: 'array',
            items: { type: 'object', required: ['taskId', 'subject'], properties: { taskId: str(), subject: str() } },
          },
        },
      },
    },
    {
      id: IDS.createEvent,
      connectorId: IDS.calendar,
      name: '创建日程',
      refType: 'action',
      integrationType: 'basic',
      inputSchema: {
        type: 'object',
        required: ['summary', 'start', 'end'],
        properties: { summary: str(), start: str({ format: 'date-time' }), end: str({ format: 'date-time' }) },
      },
      outputSchema: { type: 'object', required: ['eventId'], properties: { eventId: str() } },
    },
    {
      id: IDS.listEvents,
      connectorId: IDS.calendar,
      name: '查询日程',
      refType: 'action',
      integrationType: 'basic',
      inputSchema: { type: 'object', required: ['from'], properties: { from: str({ format: 'date-time' }) } },
      outputSchema: { type: 'object', required: ['events'], properties: { events: { type: 'array', items: str() } } },
    },
  ];
  for (let i = 1; i <= FILLER_OFFICIAL_CONNECTORS; i++) {
    list.push({
      id: filler(i).action,
      connectorId: filler(i).connector,
      name: `通用动作 ${String(i).padStart(2, '0')}`,
      refType: 'action',
      integrationType: 'basic',
      inputSchema: { type: 'object', properties: { text: str() } },
      outputSchema: { type: 'object', required: ['ok'], properties: { ok: { type: 'boolean' } } },
    });
  }
  return list;
}

/** The built-in fixtures, documented in the package README. */
export function defaultFixtures(): DingTalkFixtures {
  const connectors = defaultConnectors();
  const actions = defaultActions();
  // The suite is approved for ERP, to-do, calendar and the first 8 filler connectors (not e-sign, not fillers 9-10).
  const usageScope = [IDS.erp, IDS.todo, IDS.calendar, ...Array.from({ length: 8 }, (_, i) => filler(i + 1).connector)];
  const inScope = new Set<string>([...usageScope, IDS.crm]);
  // The organisation granted the suite every asset in its scope except "创建销售订单".
  const granted = actions.filter((a) => inScope.has(a.connectorId) && a.id !== IDS.createOrder).map((a) => a.id);
  return {
    orgs: [
      { corpId: DEFAULT_CORP_ID, name: 'Doppel 测试企业', admin: { ...ORG_ADMIN } },
      { corpId: OTHER_CORP_ID, name: 'Doppel 另一家企业', admin: { ...OTHER_ORG_ADMIN } },
    ],
    apps: [{ ...SELF_BUILT_APP }],
    suites: [{ ...SUITE, installedCorpIds: [DEFAULT_CORP_ID], usageScope }],
    connectors,
    actions,
    grants: [{ corpId: DEFAULT_CORP_ID, clientId: SUITE.suiteKey, actionIds: granted }],
    defaultPageSize: 10,
    tokenTtlSeconds: 7200,
  };
}

const stringArray = { type: 'array', items: { type: 'string' } };

/** JSON Schema of a fixtures document (checked at start-up, on PUT /__admin/fixtures and on hot reload). */
export const fixturesSchema = {
  type: 'object',
  required: ['orgs', 'apps', 'suites', 'connectors', 'actions', 'grants', 'defaultPageSize', 'tokenTtlSeconds'],
  additionalProperties: false,
  properties: {
    orgs: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['corpId', 'name'],
        additionalProperties: false,
        properties: {
          corpId: { type: 'string', minLength: 1 },
          name: { type: 'string' },
          admin: {
            type: 'object',
            required: ['login', 'password'],
            additionalProperties: false,
            properties: { login: { type: 'string', minLength: 1 }, password: { type: 'string', minLength: 1 } },
          },
        },
      },
    },
    apps: {
      type: 'array',
      items: {
        type: 'object',
        required: ['appKey', 'appSecret', 'corpId', 'name'],
        additionalProperties: false,
        properties: {
          appKey: { type: 'string', minLength: 1 },
          appSecret: { type: 'string', minLength: 1 },
          corpId: { type: 'string' },
          name: { type: 'string' },
        },
      },
    },
    suites: {
      type: 'array',
      items: {
        type: 'object',
        required: ['suiteKey', 'suiteSecret', 'suiteTicket', 'name', 'installedCorpIds', 'usageScope'],
        additionalProperties: false,
        properties: {
          suiteKey: { type: 'string', minLength: 1 },
          suiteSecret: { type: 'string', minLength: 1 },
          suiteTicket: { type: 'string', minLength: 1 },
          name: { type: 'string' },
          installedCorpIds: stringArray,
          usageScope: stringArray,
        },
      },
    },
    connectors: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'name', 'type', 'providerCorpId'],
        additionalProperties: false,
        properties: {
          id: { type: 'string', minLength: 1 },
          name: { type: 'string' },
          description: { type: 'string' },
          type: { enum: ['self_built', 'third_party', 'official'] },
          providerCorpId: { type: 'string', minLength: 1 },
          icon: { type: 'string' },
          availableToCorpIds: stringArray,
        },
      },
    },
    actions: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'connectorId', 'name', 'refType', 'integrationType', 'inputSchema', 'outputSchema'],
        additionalProperties: false,
        properties: {
          id: { type: 'string', minLength: 1 },
          connectorId: { type: 'string' },
          name: { type: 'string' },
          description: { type: 'string' },
          icon: { type: 'string' },
          refType: { enum: ['action', 'integration_flow'] },
          integrationType: { enum: ['basic', 'integration_endpoint'] },
          inputSchema: { type: 'object' },
          outputSchema: { type: 'object' },
          output: { type: 'object' },
          failures: {
            type: 'array',
            items: {
              type: 'object',
              required: ['input', 'errorCode', 'errorMessage'],
              additionalProperties: false,
              properties: {
                input: { type: 'object' },
                errorCode: { type: 'string', not: { const: '0' } },
                errorMessage: { type: 'string' },
              },
            },
          },
          cost: { type: 'integer', minimum: 0 },
          versionId: { type: 'string' },
          integrationConfig: {
            type: 'object',
            additionalProperties: false,
            properties: {
              entityName: { type: 'string' },
              categoryNames: { type: 'array', items: { type: 'object', required: ['value'], properties: { value: { type: 'string' } } } },
              props: {
                type: 'array',
                items: { type: 'object', required: ['key', 'value'], properties: { key: { type: 'string' }, value: { type: 'string' } } },
              },
            },
          },
        },
      },
    },
    grants: {
      type: 'array',
      items: {
        type: 'object',
        required: ['corpId', 'clientId', 'actionIds'],
        additionalProperties: false,
        properties: { corpId: { type: 'string' }, clientId: { type: 'string' }, actionIds: stringArray },
      },
    },
    tokens: {
      type: 'array',
      items: {
        type: 'object',
        required: ['token', 'corpId', 'clientId'],
        additionalProperties: false,
        properties: { token: { type: 'string', minLength: 1 }, corpId: { type: 'string' }, clientId: { type: 'string' } },
      },
    },
    instances: {
      type: 'array',
      items: {
        type: 'object',
        required: ['corpId', 'clientId', 'actionId', 'instanceKey'],
        additionalProperties: false,
        properties: {
          corpId: { type: 'string' },
          clientId: { type: 'string' },
          actionId: { type: 'string' },
          instanceKey: { type: 'string', minLength: 1 },
        },
      },
    },
    defaultPageSize: { type: 'integer', minimum: 1, maximum: 100 },
    tokenTtlSeconds: { type: 'integer', minimum: 1 },
    maxExecutions: { type: 'integer', minimum: 1, maximum: 10_000_000 },
    maxTokens: { type: 'integer', minimum: 1, maximum: 10_000_000 },
    maxInstances: { type: 'integer', minimum: 1, maximum: 10_000_000 },
  },
} as const;
