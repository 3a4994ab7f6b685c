package main

import (
	"reflect"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/exmc/exmc/core/sample"
)

func TestWakeGroups(t *testing.T) {
	for _, tc := range []struct {
		name    string
		n       int
		cpus    []int
		current int
		want    [][]int
	}{
		{"one CPU", 4, []int{0}, 0, nil},
		{"no CPUs known", 2, nil, -1, nil},
		{"one worker, two CPUs: the other one", 1, []int{0, 1}, 0, [][]int{{1}}},
		{"two workers, two CPUs: the caller's last", 2, []int{0, 1}, 0, [][]int{{1}, {0}}},
		{"caller on the last CPU", 2, []int{0, 1}, 1, [][]int{{0}, {1}}},
		{"more workers than CPUs", 4, []int{0, 1}, 1, [][]int{{0}, {1}}},
		{"two workers, eight CPUs, the caller's left out", 2, []int{0, 1, 2, 3, 4, 5, 6, 7}, 3,
			[][]int{{4, 5, 6}, {7, 0, 1, 2}}},
		{"caller's CPU unknown", 2, []int{0, 1, 2, 3}, -1, [][]int{{0, 1}, {2, 3}}},
		{"sparse affinity", 2, []int{2, 5, 9}, 5, [][]int{{9}, {2}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := wakeGroups(tc.n, tc.cpus, tc.current); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("wakeGroups(%d, %v, %d) = %v, want %v", tc.n, tc.cpus, tc.current, got, tc.want)
			}
		})
	}
}

// Three jobs meet at a barrier, which only threads running at once can
// pass; each finds the caller's affinity restored after its narrowed
// wake-up; a second round reuses the idle threads.
func TestChainThreads(t *testing.T) {
	cpus, _ := callerCPUs()
	round := func() {
		const n = 3
		var arrived sync.WaitGroup
		arrived.Add(n)
		met := make(chan bool, n)
		seen := make(chan []int, n)
		start := chainThreads(n)
		for range n {
			start(func() {
				c, _ := callerCPUs()
				seen <- c
				arrived.Done()
				done := make(chan struct{})
				go func() { arrived.Wait(); close(done) }()
				select {
				case <-done:
					met <- true
				case <-time.After(10 * time.Second):
					met <- false
				}
			})
		}
		for range n {
			if !<-met {
				t.Fatal("the jobs did not all run at once")
			}
			if got := <-seen; !reflect.DeepEqual(got, cpus) {
				t.Errorf("a job ran with affinity %v, the caller's is %v", got, cpus)
			}
		}
	}
	settled := func() int {
		deadline := time.Now().Add(10 * time.Second)
		for time.Now().Before(deadline) {
			if total, idle := poolThreads(); total == idle {
				return total
			}
			time.Sleep(time.Millisecond)
		}
		t.Fatal("pool threads did not go idle")
		return 0
	}
	round()
	first := settled()
	if first < 3 {
		t.Fatalf("the pool has %d threads after running 3 jobs at once", first)
	}
	round()
	if again := settled(); again != first {
		t.Errorf("a second round grew the pool from %d to %d threads", first, again)
	}
}

func TestLibraryThreadsSetting(t *testing.T) {
	defer setThreads(defaultCores())
	setThreads(3)
	if got := runtime.GOMAXPROCS(0); got != 4 {
		t.Errorf("3 threads: GOMAXPROCS %d, want 4", got)
	}
	for _, tc := range []struct{ cores, chains, want int }{{0, 5, 3}, {0, 2, 3}, {1, 4, 1}, {6, 4, 6}} {
		o := sample.DefaultOptions()
		o.Cores, o.Chains = tc.cores, tc.chains
		o = onLibraryThreads(o)
		if o.Cores != tc.want || o.Threads == nil {
			t.Errorf("cores %d, chains %d: cores %d (want %d), threads set %v", tc.cores, tc.chains, o.Cores, tc.want, o.Threads != nil)
		}
	}
}
