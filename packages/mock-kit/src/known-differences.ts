import type { JournalEntry } from './journal.ts';

/** One interaction of a consumer's pact: what it sends and what it expects back (pact JSON, any version). */
export interface PactExpectation {
  description: string;
  method: string;
  path: string;
  /** The pact's query: a map of name → values (pact keeps no order). */
  query: Record<string, string[]>;
  headers: Record<string, string>;
  body: unknown;
  expected: { status?: number; headers: Record<string, string>; body: unknown };
}

/**
 * A place where a vendor doc and the real platform disagree, as data: the line of the twin's README that says so,
 * and when a consumer's expectation (and the twin's journal entry for it) shows that the doc was believed.
 * `doppel verify` prints the line beside a failure it explains (packages/cli README, "doppel verify").
 */
export interface KnownDifference {
  id: string;
  /** The difference in a few words, for the one-line cause (`sender is required`). */
  title: string;
  /** The README line, as a reader finds it under "Where the doc and the real platform differ". */
  difference: string;
  /** The README section it is in (a heading). */
  readme: string;
  /** Does this failed interaction rest on the doc's version? */
  applies(interaction: PactExpectation, entry: JournalEntry | undefined): boolean;
}
