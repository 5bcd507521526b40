import { z } from 'zod';

const language = z.string().regex(/^[a-z]{2}$/, 'a two-letter language code such as it or en');
const localized = z.record(language, z.string().min(1));
const localizedList = z.record(language, z.array(z.string().min(1)));
const time = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM');
const id = z.string().regex(/^[a-z][a-z0-9_-]*$/, 'lowercase letters, digits, _ and -');

/**
 * How a queue picks among the operators who can take its head (docs/routing.md, "Strategies").
 * `ring-all` offers a chat to every eligible operator at once (first accept wins); calls of such a queue
 * go longest-idle.
 */
export const ROUTING_STRATEGIES = [
  'longest-idle',
  'round-robin',
  'fewest-today',
  'skill-top-down',
  'ring-all',
] as const;
export type RoutingStrategy = (typeof ROUTING_STRATEGIES)[number];

function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

const dayHours = z.array(z.tuple([time, time])).default([]);

export const businessHoursSchema = z.object({
  timezone: z.string().default('Europe/Rome'),
  weekly: z
    .object({
      mon: dayHours,
      tue: dayHours,
      wed: dayHours,
      thu: dayHours,
      fri: dayHours,
      sat: dayHours,
      sun: dayHours,
    })
    .partial()
    .default({}),
  holidays: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD')).default([]),
  /** When true (the default) the switchboard is always open: business hours are informational only. */
  alwaysOpen: z.boolean().default(true),
});

/**
 * A queue's own calendar (`problemTypes[].businessHours`): the same shape, but enforced unless it says
 * `alwaysOpen: true` (writing hours for a queue means they apply).
 */
export const queueBusinessHoursSchema = businessHoursSchema.extend({
  alwaysOpen: z.boolean().default(false),
});

/**
 * Where a contact goes when its queue cannot take it (closed, full, waited too long): `overflow` to
 * another queue (keeping its original enqueue time), take a `message` for a department (`department`, a
 * directory department; default the reception inbox), or `announce` it and end the contact `closed`.
 */
export const queueDiversionSchema = z
  .object({
    action: z.enum(['overflow', 'message', 'announce']),
    queue: id.optional(),
    department: id.optional(),
  })
  .refine((value) => value.action !== 'overflow' || !!value.queue, {
    message: 'an overflow needs the queue it overflows to',
    path: ['queue'],
  });

export type QueueDiversion = z.infer<typeof queueDiversionSchema>;

export const problemTypeSchema = z.object({
  id,
  name: localized,
  /** IVR menu digit that selects this problem type. */
  digit: z
    .string()
    .regex(/^[0-9*#]$/)
    .optional(),
  /** Keywords for the simple rule classifier and speech hints for providers. */
  keywords: localizedList.default({}),
  /** Example utterances used to train the classifier. */
  examples: localizedList.default({}),
  /** The skill an operator needs to take contacts of this type; defaults to the id. */
  skill: id.optional(),
  /** Higher first across queues; within a queue the oldest waiting contact goes first. */
  priority: z.number().int().min(0).max(100).default(0),
  /** How the operator is chosen among those who can take the head (default: the one idle longest). */
  strategy: z.enum(ROUTING_STRATEGIES).default('longest-idle'),
  serviceLevel: z
    .object({
      targetSeconds: z.number().int().positive().default(20),
      percent: z.number().min(1).max(100).default(80),
    })
    .default({ targetSeconds: 20, percent: 80 }),
  // The queue rules below are enforced at intake and by the `queue.max-wait` timer
  // (libs/routing queue-rules.service.ts; docs/routing.md, "How the rules are enforced").
  /** This queue's opening hours; absent: the company's `businessHours`. */
  businessHours: queueBusinessHoursSchema.optional(),
  /** What happens to a contact for this queue while it is closed (default: announce and end `closed`). */
  outOfHours: queueDiversionSchema.default({ action: 'announce' }),
  /** At most this many contacts waiting (not yet offered); one more goes to `overflow`. */
  maxLength: z.number().int().positive().optional(),
  /** A contact still waiting after this many seconds in this queue goes to `overflow`. */
  maxWaitSeconds: z.number().int().positive().optional(),
  /** Where contacts go when the queue is full or they waited too long (default: announce, `closed`). */
  overflow: queueDiversionSchema.default({ action: 'announce' }),
});

export const operatorSchema = z.object({
  username: z.string().regex(/^[a-z0-9._-]{2,64}$/, 'lowercase username'),
  displayName: z.string().min(1),
  /** An argon2id hash (`npm run hash-password`); the operator cannot log in without one. */
  passwordHash: z.string().startsWith('$argon2', 'an argon2 hash from npm run hash-password').optional(),
  role: z.enum(['operator', 'supervisor', 'admin']).default('operator'),
  /** Skill id -> level 1..10 (10 best). */
  skills: z.record(id, z.number().int().min(1).max(10)).default({}),
  languages: z.array(language).min(1),
  team: id.optional(),
  /** For supervisors: the teams whose operators they see and act on (default: their own `team`). */
  supervises: z.array(id).default([]),
  /** Where the call is connected when this operator accepts: a SIP URI, phone number or client identity. */
  endpoint: z.string().optional(),
  /** Contacts held at once per channel: at most one call (0: chats only) next to up to `chat` chats. */
  capacity: z
    .object({
      voice: z.number().int().min(0).max(1).default(1),
      chat: z.number().int().min(0).max(20).default(3),
    })
    .default({ voice: 1, chat: 3 }),
});

/** What an operator records when completing a contact (`contact.complete`). */
export const dispositionSchema = z.object({ id, name: localized });

export const DEFAULT_DISPOSITIONS: z.infer<typeof dispositionSchema>[] = [
  { id: 'resolved', name: { en: 'Resolved', it: 'Risolto' } },
  { id: 'information_given', name: { en: 'Information given', it: 'Informazioni fornite' } },
  { id: 'follow_up', name: { en: 'Follow-up needed', it: 'Da ricontattare' } },
  { id: 'escalated', name: { en: 'Escalated', it: 'Inoltrato' } },
  { id: 'wrong_number', name: { en: 'Wrong number', it: 'Numero errato' } },
];

export const directoryEntrySchema = z.object({
  id,
  kind: z.enum(['person', 'department']),
  name: z.string().min(1),
  aliases: z.array(z.string().min(1)).default([]),
  department: id.optional(),
  phone: z.string().optional(),
  email: z.email().optional(),
});

/** Where a department's messages go besides its inbox (docs/back-office.md). */
export const departmentBackOfficeSchema = z.object({
  /** Usernames (operators) who work this department's inbox; supervisors and admins see every inbox. */
  members: z.array(z.string().min(1)).default([]),
  /** Signed outgoing webhook: POST of every new message, `Centralino-Signature` HMAC-SHA256 with `secret`. */
  webhook: z
    .object({
      url: z.url(),
      secret: z.string().min(16, 'a secret of 16+ characters'),
    })
    .optional(),
  /** E-mail addresses that receive every new message (needs SMTP_HOST). */
  email: z.array(z.email()).default([]),
});

export type DepartmentBackOfficeConfig = z.infer<typeof departmentBackOfficeSchema>;

/** A phone number in E.164 form: `+`, country code, 7 to 15 digits in all. */
export const E164_NUMBER = /^\+[1-9][0-9]{6,14}$/;

/**
 * Callbacks that keep their place (docs/routing.md, "Callbacks"). Absent: callers are not offered one.
 * A customer not reached (no answer, busy, failed) is tried again `retryDelaySeconds` later, at the same
 * place in its queue, until `maxAttempts` outbound calls were placed; then it ends `callback_failed`.
 */
export const callbacksSchema = z.object({
  /** The key a waiting caller presses during the hold loop to be called back. */
  digit: z
    .string()
    .regex(/^[0-9*#]$/)
    .default('9'),
  /** Outbound calls placed at most, the first included. */
  maxAttempts: z.number().int().min(1).max(10).default(3),
  /** Wait after an attempt that did not reach the customer before it is offered again. */
  retryDelaySeconds: z.number().int().min(1).max(86_400).default(600),
  /** How long the customer's phone rings on each attempt. */
  ringSeconds: z.number().int().min(5).max(120).default(30),
  /** The caller id of chat callbacks (a voice callback calls from the number the caller dialled). */
  fromNumber: z.string().regex(E164_NUMBER, 'an E.164 number such as +390212345678').optional(),
  /** The provider that places chat callbacks (a voice callback uses the provider of its call). */
  provider: z.enum(['twilio', 'generic']).optional(),
});

export type CallbacksConfig = z.infer<typeof callbacksSchema>;

/** The reserved inbox of messages for nobody in particular (TakenMessage.recipientId null). */
export const RECEPTION_INBOX = 'reception';

export const frontOfficeSchema = z
  .object({
    company: z.object({
      name: z.string().min(1),
      defaultLanguage: language,
      languages: z.array(language).min(1),
    }),
    routing: z
      .object({
        offerTimeoutSeconds: z.number().int().min(3).max(300).default(15),
        wrapUpSeconds: z.number().int().min(0).max(3600).default(10),
        /** Offers missed (timed out) in a row before an operator is set away ("auto-pause"). */
        maxMissedOffers: z.number().int().min(1).max(100).default(3),
        /** A console that disconnects and is not back within this time is logged out. */
        reconnectGraceSeconds: z.number().int().min(1).max(3600).default(20),
        /** The queue for contacts triage cannot place. Must be one of problemTypes. */
        receptionQueue: id.default('reception'),
        /** The dispositions an operator chooses from when completing a contact. */
        dispositions: z.array(dispositionSchema).min(1).default(DEFAULT_DISPOSITIONS),
      })
      .default({
        offerTimeoutSeconds: 15,
        wrapUpSeconds: 10,
        maxMissedOffers: 3,
        reconnectGraceSeconds: 20,
        receptionQueue: 'reception',
        dispositions: DEFAULT_DISPOSITIONS,
      }),
    businessHours: businessHoursSchema.default({
      timezone: 'Europe/Rome',
      weekly: {},
      holidays: [],
      alwaysOpen: true,
    }),
    /** Automatic triage of what the caller said (docs/triage.md). */
    triage: z
      .object({
        /** Below this calibrated confidence the caller is asked one clarifying question (0..1). */
        confidenceThreshold: z.number().min(0).max(1).default(0.5),
        /** At most this many clarifying questions per contact; then the reception queue, best guess attached. */
        maxClarifications: z.number().int().min(0).max(5).default(2),
      })
      .default({ confidenceThreshold: 0.5, maxClarifications: 2 }),
    /** Interval reports and the dashboard's figures (docs/reporting.md). */
    reporting: z
      .object({
        /** A caller who hangs up within this many seconds of being queued is a short abandon (0 = none). */
        shortAbandonSeconds: z.number().int().min(0).max(600).default(5),
      })
      .default({ shortAbandonSeconds: 5 }),
    /** The web chat widget (docs/chat.md). */
    chat: z
      .object({
        /** Longest message a customer or an operator may send, in characters. */
        maxMessageLength: z.number().int().min(50).max(10000).default(2000),
        /** A customer whose tab is closed longer than this has left: abandoned if still waiting. */
        resumeGraceSeconds: z.number().int().min(1).max(3600).default(60),
        /** Flood limits: messages per connection and per client IP within the window. */
        messagesPerConnection: z.number().int().min(1).default(8),
        messagesPerIp: z.number().int().min(1).default(60),
        rateWindowSeconds: z.number().int().min(1).max(3600).default(10),
      })
      .default({
        maxMessageLength: 2000,
        resumeGraceSeconds: 60,
        messagesPerConnection: 8,
        messagesPerIp: 60,
        rateWindowSeconds: 10,
      }),
    /** Callbacks keeping the place; absent = not offered to callers. */
    callbacks: callbacksSchema.optional(),
    prompts: z
      .object({
        greeting: localized,
        queued: localized,
        /** Asked when triage is unsure; `{options}` becomes the closest problem types' names. */
        clarify: localized.optional(),
      })
      .partial()
      .default({}),
    problemTypes: z.array(problemTypeSchema).min(1),
    /** Extra training examples, `{ <problemTypeId>: { <lang>: [...] } }`, in a file beside this one. */
    triageExamplesFile: z.string().optional(),
    teams: z.array(z.object({ id, name: z.string().min(1) })).default([]),
    operators: z.array(operatorSchema).default([]),
    directory: z.array(directoryEntrySchema).default([]),
    /** Department messages (libs/back-office): per directory department (or `reception`), who works its inbox and where messages are delivered. */
    backOffice: z
      .object({ departments: z.record(id, departmentBackOfficeSchema).default({}) })
      .default({ departments: {} }),
  })
  .superRefine((config, ctx) => {
    const ids = new Set<string>();
    const digits = new Map<string, string>();
    config.problemTypes.forEach((type, index) => {
      if (ids.has(type.id)) {
        ctx.addIssue({
          code: 'custom',
          path: ['problemTypes', index, 'id'],
          message: `duplicate id ${type.id}`,
        });
      }
      ids.add(type.id);
      if (type.digit && digits.has(type.digit)) {
        ctx.addIssue({
          code: 'custom',
          path: ['problemTypes', index, 'digit'],
          message: `digit ${type.digit} is already used by ${digits.get(type.digit)}`,
        });
      }
      if (type.digit) digits.set(type.digit, type.id);
    });
    if (!ids.has(config.routing.receptionQueue)) {
      ctx.addIssue({
        code: 'custom',
        path: ['routing', 'receptionQueue'],
        message: `${config.routing.receptionQueue} is not one of the problemTypes`,
      });
    }
    const usernames = new Set<string>();
    config.operators.forEach((operator, index) => {
      if (usernames.has(operator.username)) {
        ctx.addIssue({
          code: 'custom',
          path: ['operators', index, 'username'],
          message: 'duplicate username',
        });
      }
      usernames.add(operator.username);
    });
    const departments = new Set(
      config.directory.filter((entry) => entry.kind === 'department').map((entry) => entry.id),
    );
    if (departments.has(RECEPTION_INBOX)) {
      ctx.addIssue({
        code: 'custom',
        path: ['directory'],
        message: `${RECEPTION_INBOX} is reserved for the inbox of messages for nobody in particular`,
      });
    }
    config.problemTypes.forEach((type, index) => {
      for (const rule of ['outOfHours', 'overflow'] as const) {
        const diversion = type[rule];
        if (diversion.queue && (!ids.has(diversion.queue) || diversion.queue === type.id)) {
          ctx.addIssue({
            code: 'custom',
            path: ['problemTypes', index, rule, 'queue'],
            message: `${diversion.queue} is not another one of the problemTypes`,
          });
        }
        if (diversion.department && !departments.has(diversion.department)) {
          ctx.addIssue({
            code: 'custom',
            path: ['problemTypes', index, rule, 'department'],
            message: `${diversion.department} is not a department of the directory`,
          });
        }
      }
      const hours = type.businessHours ?? config.businessHours;
      for (const [day, ranges] of Object.entries(hours.weekly)) {
        (ranges ?? []).forEach(([from, to], range) => {
          if (from >= to) {
            ctx.addIssue({
              code: 'custom',
              path: ['problemTypes', index, 'businessHours', 'weekly', day, range],
              message: `${from}-${to} must end after it starts (split a range that crosses midnight)`,
            });
          }
        });
      }
      if (!isTimeZone(hours.timezone)) {
        ctx.addIssue({
          code: 'custom',
          path: ['problemTypes', index, 'businessHours', 'timezone'],
          message: `${hours.timezone} is not a time zone (e.g. Europe/Rome)`,
        });
      }
    });
    for (const [department, settings] of Object.entries(config.backOffice.departments)) {
      if (department !== RECEPTION_INBOX && !departments.has(department)) {
        ctx.addIssue({
          code: 'custom',
          path: ['backOffice', 'departments', department],
          message: `${department} is not a department of the directory (nor ${RECEPTION_INBOX})`,
        });
      }
      settings.members.forEach((member, index) => {
        if (!usernames.has(member)) {
          ctx.addIssue({
            code: 'custom',
            path: ['backOffice', 'departments', department, 'members', index],
            message: `${member} is not one of the operators`,
          });
        }
      });
    }
  });

export type FrontOfficeConfigData = z.infer<typeof frontOfficeSchema>;
export type ProblemTypeConfig = z.infer<typeof problemTypeSchema>;
export type OperatorConfig = z.infer<typeof operatorSchema>;
export type DispositionConfig = z.infer<typeof dispositionSchema>;
export type DirectoryEntryConfig = z.infer<typeof directoryEntrySchema>;
