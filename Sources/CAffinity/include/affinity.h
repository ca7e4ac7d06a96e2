#ifndef HV_AFFINITY_H
#define HV_AFFINITY_H

/// CPUs this process may run on (its affinity mask), or 1 when the kernel will not say.
/// In C because sched_getaffinity and CPU_COUNT need _GNU_SOURCE, which Swift's Glibc module does not expose.
int hv_allowed_cpu_count(void);

#endif
