package fuse

import (
	"fmt"

	"github.com/exmc/exmc/core/dist"
	"github.com/exmc/exmc/core/fastmath"
)

// Block is the number of elements a fused loop computes at a time: its
// buffers (MaxNodes of them, twice) stay in the first-level cache.
const Block = 128

// MaxNodes bounds the nodes of the chains of one Kernel, so that their
// buffers fit on the stack.
const MaxNodes = 12

// Op is one node of a Chain.
type Op uint8

// The ops a chain is made of: leaves read a kernel input, the others are
// elementwise functions of earlier nodes.
const (
	Scalar Op = iota // in[In][0], the same for every element
	Full             // in[In][k], an input of the value's shape
	Gather           // in[In][Index[k]], a vector gathered by a constant index array
	Add              // A + B
	Sub              // A - B
	Mul              // A * B
	Div              // A / B
	Neg              // -A
	Exp              // exp(A)
	Log              // log(A)
	Square           // A * A
)

// Node is one node of a chain. A, B are earlier nodes of the same chain.
type Node struct {
	Op    Op
	A, B  int
	In    int     // a leaf's kernel input
	Index []int32 // Gather's indices, one per element
}

// Chain computes one parameter of the term, element by element: its last
// node is the parameter.
type Chain struct {
	Param int // the term's input it feeds (1 + the parameter's index)
	Nodes []Node
}

// Kernel is a dist.Term whose parameters listed in chains are computed by
// them. Its inputs are the term's (the ones the chains feed hold anything;
// they are not read) followed by the chains' leaves. It is immutable and
// holds no scratch space: the buffers of a block are on the stack.
type Kernel struct {
	n            int
	term, tail   *dist.Term // for a block of Block elements, for the last n % Block
	nterm        int        // the term's inputs
	chains       []Chain
	fed          [16]int8 // term input -> chain feeding it, -1 for none
	nodes, first []int    // first[c]: chain c's first buffer
}

// New builds the Kernel of term (over n elements, reading nterm inputs)
// with its parameters computed by chains. It fails where the term cannot
// be cut into blocks or the chains are too long.
func New(term *dist.Term, n, nterm int, chains []Chain) (*Kernel, error) {
	k := &Kernel{n: n, nterm: nterm, chains: chains}
	if nterm > len(k.fed) {
		return nil, fmt.Errorf("fuse: a term of %d inputs", nterm)
	}
	var ok bool
	if k.term, ok = term.Block(Block); !ok {
		return nil, fmt.Errorf("fuse: the %s term cannot be cut into blocks", term.Variant().Dist.Name)
	}
	if r := n % Block; r != 0 {
		k.tail, _ = term.Block(r)
	}
	for i := range k.fed {
		k.fed[i] = -1
	}
	total := 0
	for c, ch := range chains {
		if ch.Param <= 0 || ch.Param >= nterm || len(ch.Nodes) == 0 {
			return nil, fmt.Errorf("fuse: chain %d feeds input %d of %d", c, ch.Param, nterm)
		}
		k.fed[ch.Param] = int8(c)
		k.first = append(k.first, total)
		total += len(ch.Nodes)
		for j, nd := range ch.Nodes {
			if nd.Op == Gather && len(nd.Index) != n {
				return nil, fmt.Errorf("fuse: %d indices for %d elements", len(nd.Index), n)
			}
			if nd.Op > Gather && (nd.A >= j || nd.B >= j) {
				return nil, fmt.Errorf("fuse: node %d reads a later node", j)
			}
		}
	}
	if total > MaxNodes {
		return nil, fmt.Errorf("fuse: %d nodes, at most %d", total, MaxNodes)
	}
	return k, nil
}

// buffers are one block's values and adjoints, one per node.
type buffers struct {
	val, adj [MaxNodes][Block]float64
	// v[i] is node i's values for the block: val[i], or a slice of the
	// input itself for a Full leaf
	v [MaxNodes][]float64
}

// Forward writes the summed log-density into out[0].
func (k *Kernel) Forward(in [][]float64, out []float64) {
	k.run(in, out, nil, nil, false)
}

// ForwardGrad writes the summed log-density into out[0] and adds its
// gradient into gin (expr.GradKernel).
func (k *Kernel) ForwardGrad(in [][]float64, out []float64, gin [][]float64) {
	k.run(in, out, nil, gin, true)
}

// Backward adds gout[0] times the gradient into gin.
func (k *Kernel) Backward(in [][]float64, out, gout []float64, gin [][]float64) {
	var o [1]float64
	k.run(in, o[:], gout, gin, true)
}

// run is the loop over the blocks. With grad, the term's gradient (times
// gout[0] where gout is given) goes into gin, the chains' through them.
func (k *Kernel) run(in [][]float64, out, gout []float64, gin [][]float64, grad bool) {
	var b buffers
	var tin, tgin [16][]float64
	s := 0.0
	for lo := 0; lo < k.n; lo += Block {
		m, term := Block, k.term
		if lo+Block > k.n {
			m, term = k.n-lo, k.tail
		}
		for c := range k.chains {
			k.forward(c, in, lo, m, &b)
		}
		for j := range k.nterm {
			tin[j], tgin[j] = k.slice(in[j], lo, m), nil
			if grad {
				tgin[j] = k.slice(gin[j], lo, m)
			}
			if c := k.fed[j]; c >= 0 {
				r := k.first[c] + len(k.chains[c].Nodes) - 1
				tin[j] = b.v[r]
				if grad {
					clear(b.adj[r][:m])
					tgin[j] = b.adj[r][:m]
				}
			}
		}
		var o [1]float64
		switch {
		case !grad:
			term.Forward(tin[:k.nterm], o[:])
		case gout != nil:
			term.Backward(tin[:k.nterm], o[:], gout, tgin[:k.nterm])
		default:
			term.ForwardGrad(tin[:k.nterm], o[:], tgin[:k.nterm])
		}
		s += o[0]
		if grad {
			for c := range k.chains {
				k.backward(c, in, gin, lo, m, &b)
			}
		}
	}
	out[0] = s
}

// slice is elements [lo, lo+m) of an input of the value's shape, or the
// whole of a scalar one (or nil).
func (k *Kernel) slice(v []float64, lo, m int) []float64 {
	if len(v) <= 1 {
		return v
	}
	return v[lo : lo+m : lo+m]
}

// forward computes chain c's nodes over the block [lo, lo+m).
func (k *Kernel) forward(c int, in [][]float64, lo, m int, b *buffers) {
	f := k.first[c]
	for j := range k.chains[c].Nodes {
		nd := &k.chains[c].Nodes[j]
		r := f + j
		v := b.val[r][:m]
		switch nd.Op {
		case Scalar:
			x := in[nd.In][0]
			for i := range v {
				v[i] = x
			}
		case Full:
			v = in[nd.In][lo : lo+m : lo+m]
		case Gather:
			src, idx := in[nd.In], nd.Index[lo:lo+m]
			for i, ix := range idx {
				v[i] = src[ix]
			}
		case Exp:
			fastmath.ExpInto(v, b.v[f+nd.A])
		case Log:
			fastmath.LogInto(v, b.v[f+nd.A])
		default:
			binary(nd.Op, v, b.v[f+nd.A], b.v[f+nd.B])
		}
		b.v[r] = v
	}
}

// binary is the forward pass of the arithmetic ops (Neg and Square read
// only a).
func binary(op Op, v, a, c []float64) {
	a = a[:len(v)]
	switch op {
	case Add:
		c = c[:len(v)]
		for i := range v {
			v[i] = a[i] + c[i]
		}
	case Sub:
		c = c[:len(v)]
		for i := range v {
			v[i] = a[i] - c[i]
		}
	case Mul:
		c = c[:len(v)]
		for i := range v {
			v[i] = a[i] * c[i]
		}
	case Div:
		c = c[:len(v)]
		for i := range v {
			v[i] = a[i] / c[i]
		}
	case Neg:
		for i := range v {
			v[i] = -a[i]
		}
	case Square:
		for i := range v {
			v[i] = a[i] * a[i]
		}
	}
}

// backward takes the adjoint of chain c's last node (which the term wrote)
// back through the chain, last node first, and adds the leaves' adjoints
// into gin.
func (k *Kernel) backward(c int, in, gin [][]float64, lo, m int, b *buffers) {
	nodes := k.chains[c].Nodes
	f := k.first[c]
	for j := range len(nodes) - 1 {
		clear(b.adj[f+j][:m])
	}
	for j := len(nodes) - 1; j >= 0; j-- {
		nd := &nodes[j]
		g := b.adj[f+j][:m]
		switch nd.Op {
		case Scalar:
			if gi := gin[nd.In]; gi != nil {
				s := 0.0
				for _, x := range g {
					s += x
				}
				gi[0] += s
			}
			continue
		case Full:
			if gi := gin[nd.In]; gi != nil {
				gi = gi[lo : lo+m : lo+m]
				for i, x := range g {
					gi[i] += x
				}
			}
			continue
		case Gather:
			if gi := gin[nd.In]; gi != nil {
				for i, ix := range nd.Index[lo : lo+m] {
					gi[ix] += g[i]
				}
			}
			continue
		}
		ga, va, v := b.adj[f+nd.A][:m], b.v[f+nd.A][:m], b.v[f+j][:m]
		switch nd.Op {
		case Add, Sub:
			gb := b.adj[f+nd.B][:m]
			sign := 1.0
			if nd.Op == Sub {
				sign = -1
			}
			for i, x := range g {
				ga[i] += x
				gb[i] += sign * x
			}
		case Mul:
			gb, vb := b.adj[f+nd.B][:m], b.v[f+nd.B][:m]
			for i, x := range g {
				ga[i] += x * vb[i]
				gb[i] += x * va[i]
			}
		case Div:
			gb, vb := b.adj[f+nd.B][:m], b.v[f+nd.B][:m]
			for i, x := range g {
				q := x / vb[i]
				ga[i] += q
				gb[i] -= q * v[i]
			}
		case Neg:
			for i, x := range g {
				ga[i] -= x
			}
		case Exp:
			for i, x := range g {
				ga[i] += x * v[i]
			}
		case Log:
			for i, x := range g {
				ga[i] += x / va[i]
			}
		case Square:
			for i, x := range g {
				ga[i] += 2 * x * va[i]
			}
		}
	}
}
