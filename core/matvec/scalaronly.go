//go:build !amd64 || purego

package matvec

// Off amd64 (or with the purego tag) the products are gonum's.

func mulVector(dst, a []float64, rows, cols int, x []float64, add bool) bool { return false }

func mulTVector(dst, a []float64, rows, cols int, y []float64, add bool) bool { return false }
