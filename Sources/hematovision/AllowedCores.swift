import CAffinity

/// How many CPUs this process may run on: its affinity mask, which `taskset`, a container's cpuset and a Slurm
/// job's allocation all narrow. Foundation's `activeProcessorCount` counts the machine's online CPUs instead
/// (under `taskset -c 0` on 2 cores it said 2), so a 2-CPU Slurm task on a 64-core node would start 64 workers.
enum AllowedCores {
    static var count: Int { Int(hv_allowed_cpu_count()) }
}
