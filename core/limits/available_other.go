//go:build !linux

package limits

// available is unknown outside Linux: only the element counts are checked
// there, unless EXMC_MEMORY_LIMIT or SetMemoryLimit sets a limit.
func available() (uint64, bool) { return 0, false }
