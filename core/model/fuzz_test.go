package model

import (
	"bytes"
	"strings"
	"testing"

	"github.com/exmc/exmc/core/limits"
)

// FuzzParse reads any bytes as a model document and validates what
// parses. Nothing may panic; a document that parses writes a JSON form
// that parses again and is stable from then on; validation either fails
// with a message or gives every node a shape. Memory is held to 256 MiB
// by the size checks (core/limits). core/compile's fuzz targets go on to
// compile and evaluate.
func FuzzParse(f *testing.F) {
	limits.SetMemoryLimit(256 << 20)
	f.Cleanup(func() { limits.SetMemoryLimit(0) })
	f.Add([]byte(eightSchoolsJSON))
	f.Add([]byte(`{"format":"exmc.model/v1","nodes":[{"name":"x","kind":"free","dist":"Normal","shape":[4294967296,4294967296,16]}]}`))
	f.Add([]byte(`{"format":"exmc.model/v1","nodes":[{"name":"u","kind":"free","dist":"Uniform","params":{"lower":1,"upper":1}}]}`))
	f.Add([]byte(`{"format":"exmc.model/v1","nodes":[{"name":"a,b","kind":"free","dist":"Normal"}]}`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		m, err := Parse(doc)
		if err != nil {
			return
		}
		once, err := m.JSON()
		if err != nil {
			t.Fatalf("a parsed model has no JSON form: %v", err)
		}
		m2, err := Parse(once)
		if err != nil {
			t.Fatalf("the JSON form of a parsed model does not parse: %v\n%s", err, once)
		}
		twice, err := m2.JSON()
		if err != nil || !bytes.Equal(once, twice) {
			t.Fatalf("the JSON form is not stable (%v):\n%s\n%s", err, once, twice)
		}
		g, err := Validate(m, nil)
		if err != nil {
			if strings.TrimSpace(err.Error()) == "" {
				t.Fatal("an error with no message")
			}
			return
		}
		for _, n := range g.Order {
			s, ok := g.Shapes[n.Name]
			if n.Kind != Potential && !ok {
				t.Fatalf("node %q has no shape", n.Name)
			}
			if _, err := limits.Size(s); err != nil {
				t.Fatalf("node %q: %v", n.Name, err)
			}
		}
	})
}
