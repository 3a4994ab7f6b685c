package fuse

import (
	"fmt"

	"github.com/exmc/exmc/core/dist"
	"github.com/exmc/exmc/core/fastmath"
)

// Block is the number of elements a fused loop computes at a time: the
// buffers a block touches stay in the first-level cache.
const Block = 512

// MaxNodes bounds the nodes of the chains of one Kernel.
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

// leaf reports whether op reads a kernel input.
func (op Op) leaf() bool { return op <= Gather }

// binary reports whether op reads B as well as A.
func (op Op) binary() bool { return op >= Add && op <= Div }

// Node is one node of a chain. A, B are earlier nodes of the same chain.
type Node struct {
	Op    Op
	A, B  int
	In    int     // a leaf's kernel input
	Index []int32 // Gather's indices, one per element
}

// Chain computes one parameter of the term, element by element: its last
// node is the parameter. It is a tree: every node but the last is read
// by exactly one later node (a leaf may be read more than once).
type Chain struct {
	Param int // the term's input it feeds (1 + the parameter's index)
	Nodes []Node
}

// Kernel is a dist.Term whose parameters listed in chains are computed by
// them. Its inputs are the term's (the ones the chains feed hold anything;
// they are not read), then the chains' leaves, then a Scratch slot of
// Kernel.Scratch values (core/expr), its working space: the Kernel itself
// is immutable.
type Kernel struct {
	n          int
	term, tail *dist.Term // for a block of Block elements, for the last n % Block
	nterm      int        // the term's inputs
	chains     []Chain
	fed        [16]int8 // term input -> chain feeding it, -1 for none
	first      []int    // first[c]: chain c's first node, numbering the chains' nodes in turn
	total      int      // the chains' nodes
	// folded[r]: node r is a product that its reader, a sum or a
	// difference, computes with it (a + b*c in one pass); its values are
	// never written
	folded [MaxNodes]bool
}

// New builds the Kernel of term (over n elements, reading nterm inputs)
// with its parameters computed by chains. It fails where the term cannot
// be cut into blocks, the chains are too long or are not trees.
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
	for c, ch := range chains {
		if ch.Param <= 0 || ch.Param >= nterm || len(ch.Nodes) == 0 || k.fed[ch.Param] >= 0 {
			return nil, fmt.Errorf("fuse: chain %d feeds input %d of %d", c, ch.Param, nterm)
		}
		k.fed[ch.Param] = int8(c)
		k.first = append(k.first, k.total)
		k.total += len(ch.Nodes)
		if k.total > MaxNodes {
			return nil, fmt.Errorf("fuse: more than %d nodes", MaxNodes)
		}
		if err := checkTree(ch.Nodes, n); err != nil {
			return nil, fmt.Errorf("fuse: chain %d: %v", c, err)
		}
		f := k.first[c]
		for _, nd := range ch.Nodes {
			if m := nd.product(ch.Nodes); m >= 0 {
				k.folded[f+m] = true
			}
		}
	}
	return k, nil
}

// product is the operand of a sum (either) or a difference (the second)
// that is a product, which the sum computes with it; -1 for none.
func (nd *Node) product(nodes []Node) int {
	switch {
	case nd.Op == Add && nodes[nd.A].Op == Mul:
		return nd.A
	case (nd.Op == Add || nd.Op == Sub) && nodes[nd.B].Op == Mul:
		return nd.B
	}
	return -1
}

// checkTree checks that nodes read only earlier nodes, and that each inner
// node but the last is read exactly once: the backward pass sets an inner
// node's adjoint, rather than adding to it, when its reader delivers it.
func checkTree(nodes []Node, n int) error {
	var reads [MaxNodes]int
	for j, nd := range nodes {
		switch {
		case nd.Op == Gather && len(nd.Index) != n:
			return fmt.Errorf("%d indices for %d elements", len(nd.Index), n)
		case nd.Op > Square:
			return fmt.Errorf("node %d: op %d", j, nd.Op)
		case nd.Op.leaf():
			continue
		case nd.A < 0 || nd.A >= j || nd.Op.binary() && (nd.B < 0 || nd.B >= j):
			return fmt.Errorf("node %d reads a later node", j)
		}
		reads[nd.A]++
		if nd.Op.binary() {
			reads[nd.B]++
		}
	}
	for j, nd := range nodes {
		last := j == len(nodes)-1
		if !nd.Op.leaf() && (last && reads[j] != 0 || !last && reads[j] != 1) {
			return fmt.Errorf("node %d is read %d times", j, reads[j])
		}
	}
	return nil
}

// Scratch is the number of values of working space the Kernel reads from
// its last input: two buffers of a block per node (values, adjoint) and
// one more for quotients.
func (k *Kernel) Scratch() int { return (2*k.total + 1) * Block }

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

// pass is one evaluation's state: the block [lo, lo+m) and its nodes'
// values and adjoints, which are slices of the scratch space, of an input
// (a Full leaf's values) or of another node's adjoint (an inner node whose
// adjoint is its reader's).
type pass struct {
	k        *Kernel
	in, gin  [][]float64
	scratch  []float64
	lo, m    int
	val, adj [MaxNodes][]float64
}

// buf is the scratch buffer i, of Block values.
func (p *pass) buf(i int) []float64 {
	return p.scratch[i*Block : (i+1)*Block : (i+1)*Block]
}

// run is the loop over the blocks. With grad, the term's gradient (times
// gout[0] where gout is given) goes into gin, the chains' through them.
func (k *Kernel) run(in [][]float64, out, gout []float64, gin [][]float64, grad bool) {
	p := pass{k: k, in: in, gin: gin, scratch: in[len(in)-1]}
	// a scalar leaf's buffer holds its value once for every block
	for c, ch := range k.chains {
		for j, nd := range ch.Nodes {
			if nd.Op == Scalar {
				v := p.buf(2 * (k.first[c] + j))
				x := in[nd.In][0]
				for i := range v {
					v[i] = x
				}
			}
		}
	}
	var tin, tgin [16][]float64
	s := 0.0
	for lo := 0; lo < k.n; lo += Block {
		m, term := Block, k.term
		if lo+Block > k.n {
			m, term = k.n-lo, k.tail
		}
		p.lo, p.m = lo, m
		for c := range k.chains {
			p.forward(c)
		}
		for j := range k.nterm {
			tin[j], tgin[j] = slice(in[j], lo, m), nil
			if grad {
				tgin[j] = slice(gin[j], lo, m)
			}
			if c := k.fed[j]; c >= 0 {
				r := k.first[c] + len(k.chains[c].Nodes) - 1
				tin[j] = p.val[r]
				if grad {
					// the term adds the parameter's adjoint
					p.adj[r] = p.buf(2*r + 1)[:m]
					clear(p.adj[r])
					tgin[j] = p.adj[r]
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
				p.backward(c)
			}
		}
	}
	out[0] = s
}

// slice is elements [lo, lo+m) of an input of the value's shape, or the
// whole of a scalar one (or nil).
func slice(v []float64, lo, m int) []float64 {
	if len(v) <= 1 {
		return v
	}
	return v[lo : lo+m : lo+m]
}

// forward computes chain c's nodes over the block, op by op.
func (p *pass) forward(c int) {
	f, lo, m := p.k.first[c], p.lo, p.m
	for j := range p.k.chains[c].Nodes {
		nd := &p.k.chains[c].Nodes[j]
		r := f + j
		v := p.buf(2 * r)[:m]
		if p.k.folded[r] {
			p.val[r] = nil // computed by its reader
			continue
		}
		switch nd.Op {
		case Scalar:
		case Full:
			v = p.in[nd.In][lo : lo+m : lo+m]
		case Gather:
			src, idx := p.in[nd.In], nd.Index[lo:lo+m]
			for i, ix := range idx {
				v[i] = src[ix]
			}
		case Exp:
			fastmath.ExpInto(v, p.val[f+nd.A])
		case Log:
			fastmath.LogInto(v, p.val[f+nd.A])
		default:
			if pr := nd.product(p.k.chains[c].Nodes); pr >= 0 {
				// a + b*c, a - b*c
				mul := &p.k.chains[c].Nodes[pr]
				other, sign := nd.A, 1.0
				if pr == nd.A {
					other = nd.B
				} else if nd.Op == Sub {
					sign = -1
				}
				mulAdd(v, p.val[f+other], p.val[f+mul.A], p.val[f+mul.B], sign)
				break
			}
			var b []float64
			if nd.Op.binary() {
				b = p.val[f+nd.B]
			}
			forwardOp(nd.Op, v, p.val[f+nd.A], b)
		}
		p.val[r] = v
	}
}

// mulAdd writes a + s*b*c into v, s being 1 or -1.
func mulAdd(v, a, b, c []float64, s float64) {
	a, b, c = a[:len(v)], b[:len(v)], c[:len(v)]
	if s == 1 {
		for i := range v {
			v[i] = a[i] + b[i]*c[i]
		}
		return
	}
	for i := range v {
		v[i] = a[i] - b[i]*c[i]
	}
}

// forwardOp is the forward pass of the arithmetic ops (Neg and Square
// read only a).
func forwardOp(op Op, v, a, b []float64) {
	a = a[:len(v)]
	switch op {
	case Add:
		b = b[:len(v)]
		for i := range v {
			v[i] = a[i] + b[i]
		}
	case Sub:
		b = b[:len(v)]
		for i := range v {
			v[i] = a[i] - b[i]
		}
	case Mul:
		b = b[:len(v)]
		for i := range v {
			v[i] = a[i] * b[i]
		}
	case Div:
		b = b[:len(v)]
		for i := range v {
			v[i] = a[i] / b[i]
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
// back through the chain, last node first: each inner node hands its
// operands their adjoints, which for a leaf go straight into the gradient
// of the input it reads.
func (p *pass) backward(c int) {
	nodes := p.k.chains[c].Nodes
	f := p.k.first[c]
	if last := len(nodes) - 1; nodes[last].Op.leaf() {
		// a chain of one leaf: a gathered vector, say
		r := f + last
		p.deliver(r, p.adj[r], nil, 1)
		return
	}
	for j := len(nodes) - 1; j >= 0; j-- {
		nd := &nodes[j]
		if nd.Op.leaf() {
			continue
		}
		r, a, b := f+j, f+nd.A, f+nd.B
		g, v := p.adj[r], p.val[r]
		switch nd.Op {
		case Add:
			p.deliver(a, g, nil, 1)
			p.deliver(b, g, nil, 1)
		case Sub:
			p.deliver(a, g, nil, 1)
			p.deliver(b, g, nil, -1)
		case Mul:
			p.deliver(a, g, p.val[b], 1)
			p.deliver(b, g, p.val[a], 1)
		case Neg:
			p.deliver(a, g, nil, -1)
		case Exp:
			p.deliver(a, g, v, 1)
		case Square:
			p.deliver(a, g, p.val[a], 2)
		case Div, Log:
			// q = g / b (g / a for the logarithm) is a's adjoint, computed
			// into a's own buffer (a quotient buffer for a leaf)
			den := p.val[a]
			if nd.Op == Div {
				den = p.val[b]
			}
			q := p.buf(2 * p.k.total)[:p.m]
			if !nodes[nd.A].Op.leaf() {
				q = p.buf(2*a + 1)[:p.m]
			}
			den = den[:len(q)]
			g = g[:len(q)]
			for i := range q {
				q[i] = g[i] / den[i]
			}
			p.deliver(a, q, nil, 1)
			if nd.Op == Div {
				p.deliver(b, q, v, -1) // d(a/b)/db = -(a/b)/b
			}
		}
	}
}

// deliver hands node r its adjoint s * g * w (s * g where w is nil), node
// r being read once: an inner node's adjoint is set (to g itself where it
// is g), a leaf's is added into the gradient of the input it reads.
func (p *pass) deliver(r int, g, w []float64, s float64) {
	c := 0
	for c+1 < len(p.k.first) && p.k.first[c+1] <= r {
		c++
	}
	nd := &p.k.chains[c].Nodes[r-p.k.first[c]]
	g = g[:p.m]
	if !nd.Op.leaf() {
		if w == nil && s == 1 {
			p.adj[r] = g
			return
		}
		a := p.buf(2*r + 1)[:p.m]
		if w == nil {
			for i, x := range g {
				a[i] = s * x
			}
		} else {
			w = w[:len(g)]
			for i, x := range g {
				a[i] = s * x * w[i]
			}
		}
		p.adj[r] = a
		return
	}
	gi := p.gin[nd.In]
	if gi == nil {
		return
	}
	switch nd.Op {
	case Scalar:
		t := 0.0
		if w == nil {
			for _, x := range g {
				t += x
			}
		} else {
			w = w[:len(g)]
			for i, x := range g {
				t += x * w[i]
			}
		}
		gi[0] += s * t
	case Full:
		gi = gi[p.lo : p.lo+p.m : p.lo+p.m]
		if w == nil {
			for i, x := range g {
				gi[i] += s * x
			}
		} else {
			w = w[:len(g)]
			for i, x := range g {
				gi[i] += s * x * w[i]
			}
		}
	case Gather:
		idx := nd.Index[p.lo : p.lo+p.m]
		if w == nil {
			for i, ix := range idx {
				gi[ix] += s * g[i]
			}
		} else {
			w = w[:len(idx)]
			for i, ix := range idx {
				gi[ix] += s * g[i] * w[i]
			}
		}
	}
}
