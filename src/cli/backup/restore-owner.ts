// Who owns what restore writes. A service install keeps its data in /var/lib/proofgate, owned by the
// service account, under a root-owned /var/lib: the staging directory and DIR.replaced-<time> are made
// beside the target, which only root may do there, and files root writes are root's (0600: the service
// could not open them). So restore runs as root there and hands the staged tree, before it is renamed into
// place, to the owner of the directory it replaces (or, for a new one, of its parent, or --owner USER).
// Run as anyone else, it writes files as that user, and changing ownership is neither possible nor needed.
import { execFileSync } from 'node:child_process';
import { existsSync, lchownSync, lstatSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { ProofgateError } from '../../core/errors.js';

export interface Owner { uid: number; gid: number }
export type Chown = (p: string, uid: number, gid: number) => void;

/** The uid and gid of `user` (a name or a number), from `id`; refused when there is no such user. */
export function lookUpOwner(user: string): Owner {
  const id = (flag: string): number => {
    try {
      return Number.parseInt(execFileSync('id', [flag, '--', user], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim(), 10);
    } catch {
      throw new ProofgateError('ERR_USAGE', `--owner ${user}: no such user`, { status: 400 });
    }
  };
  return { uid: id('-u'), gid: id('-g') };
}

/** The owner the restored tree gets: --owner, else the target's, else its nearest existing parent's. */
export function restoreOwner(target: string, explicit: Owner | null): Owner {
  if (explicit) return explicit;
  let dir = target;
  while (!existsSync(dir)) dir = path.dirname(dir);
  const st = statSync(dir);
  return { uid: st.uid, gid: st.gid };
}

/** Refuses an --owner a non-root restore cannot give (it writes files as itself). */
export function checkOwnerPossible(owner: Owner, explicit: boolean, isRoot: boolean): void {
  if (isRoot || !explicit) return;
  if (owner.uid !== process.getuid?.() || owner.gid !== process.getgid?.()) {
    throw new ProofgateError('ERR_BAD_REQUEST', `--owner ${owner.uid}:${owner.gid} needs root (restore writes its files as the user running it); run it with sudo`, { status: 400 });
  }
}

/** Hands `root` and everything under it to `owner` (links not followed: the archive holds none anyway). */
export function chownTree(root: string, owner: Owner, chown: Chown = lchownSync): void {
  chown(root, owner.uid, owner.gid);
  if (!lstatSync(root).isDirectory()) return;
  for (const name of readdirSync(root)) chownTree(path.join(root, name), owner, chown);
}
