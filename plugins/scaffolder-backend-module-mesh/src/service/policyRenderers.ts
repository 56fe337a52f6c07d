import {
  CompileMemo,
  createCompileMemo,
  parsePolicyYaml,
} from '@meshport/backstage-plugin-mesh-policy';

type Parsed = ReturnType<typeof parsePolicyYaml>;

/**
 * The policies of a repository as last read, by file text: a request re-reads the repository
 * (fetch:plain writes it afresh) and most files are as they were, so their parse is reused.
 * Holds what the latest read and the one before it used, no more.
 */
export class ParsedPolicies {
  private previous = new Map<string, Parsed>();
  private current = new Map<string, Parsed>();

  parse(text: string): Parsed {
    const parsed =
      this.current.get(text) ??
      this.previous.get(text) ??
      parsePolicyYaml(text);
    this.current.set(text, parsed);
    return parsed;
  }

  /** Called when a read is complete: what it did not use goes with the next rotation. */
  rotate() {
    this.previous = this.current;
    this.current = new Map();
  }
}

/** What is kept warm for one policy repository between requests. */
export interface RepositoryRenderer {
  /** Compile units, rendered objects, YAML and verifications of the last render (see CompileMemo). */
  memo: CompileMemo;
  parsed: ParsedPolicies;
}

/**
 * One warm renderer per policy repository, owned by the module and shared by every
 * meshport:policy:* action, so a request compiles only what it changes instead of the whole
 * repository. Correct whatever the workspace holds: the memo is keyed by content, so another
 * repository state or another fleet only misses. Bounded: at most `max` repositories (the
 * least recently used is dropped), each holding about one render of its repository.
 */
export class PolicyRenderers {
  private readonly renderers = new Map<string, RepositoryRenderer>();

  constructor(private readonly max: number) {}

  /**
   * The renderer for a repository, `<host>?owner=<owner>&repo=<repo>` as
   * meshport:policy:repository outputs it; requests that name none share one.
   */
  forRepository(repository = ''): RepositoryRenderer {
    let renderer = this.renderers.get(repository);
    if (renderer) {
      // Map order is insertion order: re-inserting marks it most recently used.
      this.renderers.delete(repository);
    } else {
      renderer = { memo: createCompileMemo(), parsed: new ParsedPolicies() };
    }
    this.renderers.set(repository, renderer);
    while (this.renderers.size > Math.max(1, this.max)) {
      const [oldest] = this.renderers.keys();
      this.renderers.delete(oldest);
    }
    return renderer;
  }
}
