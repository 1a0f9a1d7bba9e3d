import 'server-only';
// Hiding a run leaves it out of the overview only: its trajectories stay in the list, the exports,
// compare and every other page, and GET /api/runs still answers it (with hidden: true).
import { getPrisma } from '@/lib/db/prisma';
import { notFound } from './errors';

export interface RunVisibility {
  id: string;
  hidden: boolean;
}

export async function setRunHidden(id: string, hidden: boolean): Promise<RunVisibility> {
  const prisma = getPrisma();
  const [changed, run] = await prisma.$transaction([
    prisma.run.updateMany({ where: { id }, data: { hidden } }),
    prisma.run.findUnique({ where: { id }, select: { id: true, hidden: true } }),
  ]);
  if (changed.count === 0 || !run) throw notFound(`run "${id}"`);
  return run;
}
