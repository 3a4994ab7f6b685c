package adapt

// Schedule is Stan's warmup partition: an initial buffer where only the
// step size adapts (the chain is still travelling to the typical set, so
// its draws would mislead a variance estimate), a series of slow windows
// that each end with a metric update and double in length, and a terminal
// buffer where the step size settles for the final metric. The last slow
// window is stretched to the terminal buffer rather than leaving a window
// too short to estimate anything.
//
// It is a counter: Step is called once per warmup iteration.
type Schedule struct {
	tune                        int
	initBuf, termBuf, baseWin   int
	counter, nextEnd, winLength int
}

// Window is one slow window, by 0-based warmup iteration, both ends
// included.
type Window struct{ Start, End int }

// MinTuneForMetric is the shortest warmup for which the metric is
// estimated at all; shorter warmups adapt the step size only.
const MinTuneForMetric = 20

// NewSchedule partitions tune warmup iterations with the given initial
// buffer, terminal buffer and first window length (Stan: 75, 50, 25). When
// the three do not fit, they are rescaled to 15%, 75% and 10% of tune.
func NewSchedule(tune, initBuffer, termBuffer, baseWindow int) *Schedule {
	s := &Schedule{tune: tune}
	switch {
	case tune < MinTuneForMetric:
		// No windows: nextEnd = -1 never matches the counter.
	case initBuffer+baseWindow+termBuffer > tune:
		s.initBuf = int(0.15 * float64(tune))
		s.termBuf = int(0.10 * float64(tune))
		s.baseWin = tune - (s.initBuf + s.termBuf)
	default:
		s.initBuf, s.termBuf, s.baseWin = initBuffer, termBuffer, baseWindow
	}
	// Stan leaves its counters as they were before rescaling, which in its
	// code means no slow window ever ends when tune < 150; restarting here
	// gives the 15/75/10 schedule it announces.
	s.Restart()
	return s
}

// Restart rewinds to the first warmup iteration.
func (s *Schedule) Restart() {
	s.counter = 0
	s.winLength = s.baseWin
	s.nextEnd = s.initBuf + s.winLength - 1
	if s.tune < MinTuneForMetric {
		s.nextEnd = -1
	}
}

// Buffers returns the initial buffer, first window and terminal buffer
// lengths in use after any rescaling.
func (s *Schedule) Buffers() (initBuffer, baseWindow, termBuffer int) {
	return s.initBuf, s.baseWin, s.termBuf
}

// InWindow reports whether the current iteration's draw belongs to a slow
// window.
func (s *Schedule) InWindow() bool {
	return s.tune >= MinTuneForMetric && s.counter >= s.initBuf &&
		s.counter < s.tune-s.termBuf && s.counter != s.tune
}

// EndOfWindow reports whether the current iteration closes a slow window.
func (s *Schedule) EndOfWindow() bool {
	return s.counter == s.nextEnd && s.counter != s.tune
}

// Step reports, for the current iteration, whether its draw is collected
// and whether it ends a window, then advances to the next iteration.
func (s *Schedule) Step() (collect, end bool) {
	collect, end = s.InWindow(), s.EndOfWindow()
	if end {
		s.computeNext()
	}
	s.counter++
	return collect, end
}

func (s *Schedule) computeNext() {
	last := s.tune - s.termBuf - 1
	if s.nextEnd == last {
		return
	}
	s.winLength *= 2
	s.nextEnd = s.counter + s.winLength
	if s.nextEnd == last {
		return
	}
	// If the window after this one would overrun the slow phase, this one
	// absorbs the remainder.
	if s.nextEnd+2*s.winLength >= s.tune-s.termBuf {
		s.nextEnd = last
	}
}

// Windows lists the slow windows of a fresh schedule with these settings.
func Windows(tune, initBuffer, termBuffer, baseWindow int) []Window {
	s := NewSchedule(tune, initBuffer, termBuffer, baseWindow)
	var out []Window
	start := -1
	for i := 0; i < tune; i++ {
		collect, end := s.Step()
		if collect && start < 0 {
			start = i
		}
		if end {
			out = append(out, Window{Start: start, End: i})
			start = -1
		}
	}
	return out
}
