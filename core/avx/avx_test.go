package avx

import (
	"os"
	"os/exec"
	"testing"

	"golang.org/x/sys/cpu"
)

// OK follows the processor, and EXMC_NO_AVX turns it off: checked in this
// process and in a child started with the variable set.
func TestOK(t *testing.T) {
	if os.Getenv("EXMC_NO_AVX") != "" {
		if OK {
			t.Fatal("OK with EXMC_NO_AVX set")
		}
		return
	}
	if OK != (cpu.X86.HasAVX2 && cpu.X86.HasFMA) {
		t.Fatalf("OK = %v on a processor with AVX2 %v, FMA %v", OK, cpu.X86.HasAVX2, cpu.X86.HasFMA)
	}
	cmd := exec.Command(os.Args[0], "-test.run", "^TestOK$", "-test.count", "1")
	cmd.Env = append(os.Environ(), "EXMC_NO_AVX=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("with EXMC_NO_AVX=1: %v\n%s", err, out)
	}
}
