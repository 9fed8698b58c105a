// CPU time and resident memory of a process, read from /proc (Linux), for the benchmarks' figures.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

let clockTicks: number | undefined;

/** The kernel's clock ticks per second (getconf CLK_TCK), 100 when it cannot be read. */
export function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8', timeout: 5_000 }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** utime + stime of the process (all threads) in seconds: fields 14 and 15 of /proc/<pid>/stat. */
export function cpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // After the parenthesised comm: state is field 3, so utime/stime are at offsets 11 and 12.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond();
  } catch {
    return undefined;
  }
}

/**
 * CPU time of the process's threads in seconds, to the nanosecond: the scheduler's accounting, the
 * first field of /proc/<pid>/task/<tid>/schedstat, summed. cpuSeconds counts in clock ticks (10 ms
 * here), too coarse for a phase that costs a supernode 20–50 ms. Threads that ended no longer
 * count, so it times phases of a long-running process; undefined where schedstat is missing.
 */
export function schedulerCpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    let nanoseconds = 0;
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      try {
        nanoseconds += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').split(' ', 1)[0]);
      } catch {
        // The thread ended between the listing and the read.
      }
    }
    return Number.isFinite(nanoseconds) ? nanoseconds / 1e9 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Memory of the process in KiB, from /proc/<pid>/status: resident (VmRSS), peak resident (VmHWM),
 * or the resident set's two parts, the process's own anonymous pages (RssAnon: heaps, stacks) and
 * pages of mapped files (RssFile: mostly the executable's, shared with every process running it).
 */
export function memoryKiB(pid: number | undefined, key: 'VmRSS' | 'VmHWM' | 'RssAnon' | 'RssFile' = 'VmRSS'): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const match = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match === null ? undefined : Number(match[1]);
  } catch {
    return undefined;
  }
}

/** Resident memory of the process in MB. */
export function residentMegabytes(pid: number | undefined): number | undefined {
  const kib = memoryKiB(pid);
  return kib === undefined ? undefined : kib / 1024;
}
