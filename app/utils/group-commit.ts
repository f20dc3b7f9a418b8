// Group commit (decision 80): callers that arrive while a group is being written wait and go
// together in the next group, so one transaction and one commit serve many requests. A lone
// caller starts at once; under load the groups grow by themselves, up to `maxGroup`.

export interface GroupCommitOptions {
  maxGroup: number;
}

/**
 * Returns a function that runs `runGroup` for its input together with whatever else is waiting.
 * `runGroup` answers one result per input, in order. If a group fails as a whole, each of its
 * inputs is run again alone, so one input's error reaches only its own caller; `runGroup` must
 * therefore leave nothing behind when it throws (one transaction).
 */
export function groupCommit<In, Out>(runGroup: (inputs: readonly In[]) => Promise<readonly Out[]>, { maxGroup }: GroupCommitOptions): (input: In) => Promise<Out> {
  interface Waiting {
    input: In;
    resolve(out: Out): void;
    reject(error: unknown): void;
  }
  const waiting: Waiting[] = [];
  let running = false;

  const runAlone = async (item: Waiting) => {
    try {
      const [out] = await runGroup([item.input]);
      item.resolve(out as Out);
    } catch (error) {
      item.reject(error);
    }
  };

  const runNext = async () => {
    running = true;
    while (waiting.length > 0) {
      const group = waiting.splice(0, maxGroup);
      try {
        const outs = await runGroup(group.map((item) => item.input));
        if (outs.length !== group.length) throw new Error(`a group of ${group.length} answered ${outs.length} results`);
        group.forEach((item, i) => item.resolve(outs[i] as Out));
      } catch (error) {
        if (group.length === 1) group[0]!.reject(error);
        else for (const item of group) await runAlone(item);
      }
    }
    running = false;
  };

  return (input) =>
    new Promise<Out>((resolve, reject) => {
      waiting.push({ input, resolve, reject });
      if (!running) void runNext();
    });
}

/**
 * The same, one group runner per owner (a process's services): each owner's callers are grouped
 * together, and its runner goes when the owner does.
 */
export function groupCommitPer<Owner extends object, In, Out>(
  runGroup: (owner: Owner, inputs: readonly In[]) => Promise<readonly Out[]>,
  options: GroupCommitOptions,
): (owner: Owner, input: In) => Promise<Out> {
  const runners = new WeakMap<Owner, (input: In) => Promise<Out>>();
  return (owner, input) => {
    let run = runners.get(owner);
    if (!run) {
      run = groupCommit((inputs: readonly In[]) => runGroup(owner, inputs), options);
      runners.set(owner, run);
    }
    return run(input);
  };
}
