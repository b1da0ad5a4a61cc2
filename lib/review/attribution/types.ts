/**
 * The review's unit and what it can use (docs/review.md#the-unit-a-trust-relationship):
 * - a **unit** is one trust relationship: one declared trust (ci-oidc-trust metadata, matched to
 *   the artifact), or, for what no metadata declares, one IAM statement, one GCP provider
 *   condition alternative, or one Azure federated credential;
 * - a **principal** is what a token can end up as: an AWS role, a GCP IAM grant (service account
 *   impersonation or direct resource access), an Azure role assignment;
 * - an **attribution** says that some token of the unit gets through the principal's gate.
 */
import { Conj, Witness } from './constraints';
import { Cloud, CiProvider, TrustMetadata, TrustRelationship } from '../scan/extract';

export type UnitKind = 'declared' | 'statement' | 'alternative' | 'credential' | 'provider' | 'grant';

/** A condition as the report shows it; `alternative` (1-based) when the unit has several. */
export type UnitCondition =
  | { kind: 'iam'; operator: string; key: string; values: string[]; alternative?: number }
  | { kind: 'federated-principal'; value: string; alternative?: number }
  | { kind: 'cel'; field: 'attribute_condition'; expression: string; alternative?: number }
  | { kind: 'attribute-mapping'; attribute: string; expression: string }
  | { kind: 'subject'; value: string; resource: string; alternative?: number }
  | { kind: 'claims-expression'; expression: string; resource: string; alternative?: number };

export interface Unit {
  /** `file#resource`, `file#resource#<statement>`, `file#resource#<trust id>` or `file#resource#alternative-<n>`. */
  readonly id: string;
  readonly cloud: Cloud;
  readonly file: string;
  readonly resource: string;
  readonly resourceType: string;
  readonly kind: UnitKind;
  /** AWS statement index for a statement unit, else undefined. */
  readonly statement?: number;
  /** The resource the unit is on, in words (role, provider, identity). */
  readonly home: string;
  readonly issuer?: string;
  readonly ciProvider: CiProvider;
  readonly audiences: string[];
  readonly network: string[];
  readonly metadata?: TrustMetadata;
  /** What the scanner judges (a statement, a provider narrowed to the unit's alternatives, a credential). */
  parts: TrustRelationship[];
  /** The unit's tokens: any of these alternatives. */
  readonly conjs: Conj[];
  readonly conditions: UnitCondition[];
  /** Why the unit's conditions could not be matched to the artifact (shown, and reported not analysable). */
  notes: string[];
  /** Where the unit's own principals are (role, pool, identity key), to mark them. */
  readonly homeKey: string;
  /** Narrows "own" to some gates (GCP: the grants whose member names the unit's own trust attribute). */
  readonly ownGate?: (via: string) => boolean;
}

/** One way into a principal: an IAM statement, a GCP provider and member, an Azure credential. */
export interface Gate {
  readonly via: string;
  readonly conjs: Conj[];
}

export interface Principal {
  /** `file#resource`. */
  readonly id: string;
  readonly cloud: Cloud;
  readonly file: string;
  readonly resource: string;
  readonly resourceType: string;
  /** In words: `IAM role X`, `service account …`, `Contributor on /subscriptions/…`. */
  readonly label: string;
  /** What it can do, summarised (managed policies, actions, roles, scopes). */
  readonly permissions: string[];
  readonly gates: Gate[];
  readonly homeKey: string;
}

export interface Attribution {
  readonly unit: string;
  readonly principal: string;
  /** `admitted`: a token of the unit passes (witness); `possibly`: not decided (why). */
  readonly certainty: 'admitted' | 'possibly';
  readonly via: string;
  readonly witness?: Witness;
  readonly why?: string;
}
