package limits

import (
	"bufio"
	"os"
	"path/filepath"
	"runtime/metrics"
	"strconv"
	"strings"
)

// available returns the memory this process can still have: the kernel's
// estimate of available memory (MemAvailable), or the room left under the
// process's cgroup limits when that is smaller, plus what the Go heap holds
// free and can reuse without asking the system.
func available() (uint64, bool) {
	b, ok := memAvailable()
	if !ok {
		return 0, false
	}
	if c, ok := cgroupRoom(); ok && c < b {
		b = c
	}
	return Add(b, heapFree()), true
}

func memAvailable() (uint64, bool) {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) >= 2 && fields[0] == "MemAvailable:" {
			kb, err := strconv.ParseUint(fields[1], 10, 64)
			if err != nil {
				return 0, false
			}
			return Mul(kb, 1024), true
		}
	}
	return 0, false
}

// cgroupRoom is the least room (limit minus usage) over the memory cgroups
// that hold the process, from its own up to the root, under cgroup v2 or
// v1; ok is false when no limit is set or none can be read.
func cgroupRoom() (uint64, bool) {
	data, err := os.ReadFile("/proc/self/cgroup")
	if err != nil {
		return 0, false
	}
	best, found := uint64(0), false
	note := func(room uint64) {
		if !found || room < best {
			best, found = room, true
		}
	}
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		parts := strings.SplitN(line, ":", 3)
		if len(parts) != 3 {
			continue
		}
		var dir, limitFile, usageFile string
		switch {
		case parts[0] == "0" && parts[1] == "":
			dir, limitFile, usageFile = "/sys/fs/cgroup", "memory.max", "memory.current"
		case hasController(parts[1], "memory"):
			dir, limitFile, usageFile = "/sys/fs/cgroup/memory", "memory.limit_in_bytes", "memory.usage_in_bytes"
		default:
			continue
		}
		for p := filepath.Clean("/" + parts[2]); ; p = filepath.Dir(p) {
			if room, ok := cgroupLevel(filepath.Join(dir, p), limitFile, usageFile); ok {
				note(room)
			}
			if p == "/" {
				break
			}
		}
	}
	return best, found
}

func hasController(list, name string) bool {
	for _, c := range strings.Split(list, ",") {
		if c == name {
			return true
		}
	}
	return false
}

// cgroupLevel reads one cgroup's limit and usage; ok is false when it has
// no limit (v2's "max", v1's huge number) or the files cannot be read.
func cgroupLevel(dir, limitFile, usageFile string) (uint64, bool) {
	readUint := func(name string) (uint64, bool) {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return 0, false
		}
		v, err := strconv.ParseUint(strings.TrimSpace(string(b)), 10, 64)
		return v, err == nil
	}
	lim, ok := readUint(limitFile)
	if !ok || lim >= 1<<62 {
		return 0, false
	}
	use, ok := readUint(usageFile)
	if !ok {
		return 0, false
	}
	if use >= lim {
		return 0, true
	}
	return lim - use, true
}

// heapFree is the Go heap's free memory that is still mapped: a new
// allocation reuses it before the process grows.
func heapFree() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/free:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}
