// The registry (protocol §8) for Node.js: a replica of "Registry" (typed, unsigned: AddObject
// isDynamic = 0) whose entries map source names to host URLs; the node connects to the host of
// every source it acquires as soon as the registry knows it. Browsers reach hosts over ws only
// while registries advertise tcp URLs, so this is not in the browser bundle.

import type { Attachable, Node } from './node.js';
import type { Packet } from './packets.js';
import { PacketType } from './packets.js';
import type { ReplicaLink } from './replica.js';

type Info = { typeName: string | null; hostUrl: string | null };

class RegistryReplica implements Attachable {
  readonly name = 'Registry';
  link: ReplicaLink | undefined;
  readonly entries = new Map<string, Info>();

  constructor(
    private readonly node: Node,
    private readonly url: string,
  ) {
    node.on('acquired', (name) => this.connectFor(name));
  }

  get attached(): boolean {
    return this.link !== undefined;
  }
  attach(link: ReplicaLink): void {
    this.link = link;
  }
  detach(): void {
    this.link = undefined;
  }
  handle(p: Packet): void {
    if (p.type === PacketType.InitPacket) {
      const hash = p.values[0]?.value;
      if (hash instanceof Map) for (const [name, info] of hash as Map<string, Info>) this.update(name, info, true);
    } else if (p.type === PacketType.InvokePacket && p.call === 0 && p.args[0]) {
      const [name, info] = p.args[0].value as [string, Info];
      this.update(name, info, p.index === 0);
    }
  }

  private update(name: string, info: Info, added: boolean): void {
    if (added) this.entries.set(name, info);
    else this.entries.delete(name);
    if (added) this.connectFor(name);
  }

  private connectFor(name: string): void {
    const url = this.entries.get(name)?.hostUrl;
    if (url && url !== this.url && this.node.acquired.includes(name)) void this.node.connect(url).catch(() => {});
  }
}

/**
 * Uses the registry at `url`: connects to it and, whenever it lists a source this node has
 * acquired (or acquires later), connects to that source's host. Resolves once connected to the
 * registry; the returned map holds the registry's entries (source name → type and host URL).
 */
export async function useRegistry(node: Node, url: string): Promise<Map<string, Info>> {
  const r = new RegistryReplica(node, url);
  node.adopt(r);
  await node.connect(url);
  return r.entries;
}
