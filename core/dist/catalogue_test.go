package dist

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

const (
	docsPath     = "../../docs/model-format.md"
	docsBegin    = "<!-- catalogue: "
	docsEnd      = "<!-- end catalogue -->"
	docsUpdateEV = "EXMC_UPDATE_DOCS"
)

// The distribution table of docs/model-format.md is the catalogue's: the
// test fails when they differ, and EXMC_UPDATE_DOCS=1 rewrites the docs.
func TestModelFormatDocs(t *testing.T) {
	b, err := os.ReadFile(docsPath)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	i := strings.Index(doc, docsBegin)
	j := strings.Index(doc, docsEnd)
	if i < 0 || j < i {
		t.Fatalf("%s has no %q ... %q block", docsPath, docsBegin, docsEnd)
	}
	i += strings.Index(doc[i:], "\n") + 1
	want := MarkdownTable()
	if doc[i:j] == want {
		return
	}
	if os.Getenv(docsUpdateEV) == "1" {
		if err := os.WriteFile(docsPath, []byte(doc[:i]+want+doc[j:]), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("%s's distribution table differs from the catalogue; run %s=1 go test ./core/dist -run TestModelFormatDocs\nwant:\n%s",
		docsPath, docsUpdateEV, want)
}

// Every row agrees with itself: the JSON form round-trips, every parameter
// is read by a variant, aliases name parameters, defaults lie in their
// domains, and each variant's kernel is a Drawer unless improper.
func TestCatalogueRows(t *testing.T) {
	var c Catalogue
	if err := json.Unmarshal(JSON(), &c); err != nil {
		t.Fatal(err)
	}
	if c.Version != CatalogueVersion || len(c.Distributions) != len(registry) {
		t.Fatalf("version %d, %d rows for %d distributions", c.Version, len(c.Distributions), len(registry))
	}
	improper := map[string]bool{"Flat": true, "HalfFlat": true}
	for _, row := range c.Distributions {
		s := specs[row.Name]
		read := map[string]bool{}
		for _, v := range s.Variants {
			for _, p := range v.Params {
				read[p] = true
			}
			if v.Kernel != nil {
				if _, ok := v.Kernel.(Drawer); ok == improper[row.Name] {
					t.Errorf("%s: drawable %v, improper %v", row.Name, ok, improper[row.Name])
				}
			}
		}
		for _, p := range s.Params {
			if !read[p.Name] {
				t.Errorf("%s: parameter %q is read by no variant", row.Name, p.Name)
			}
			if p.Default != nil {
				if err := p.Domain.check(p.Name, *p.Default); err != nil {
					t.Errorf("%s: default: %v", row.Name, err)
				}
			}
		}
		for _, a := range s.Aliases {
			if !read[a.Param] || read[a.Name] || a.Power == 0 {
				t.Errorf("%s: alias %+v", row.Name, a)
			}
		}
		if row.PyMC == "" || row.Doc == "" || len(row.Variants) == 0 {
			t.Errorf("%s: incomplete row %+v", row.Name, row)
		}
	}
}

// A kernel call allocates nothing: the hot loops call one per element.
func TestKernelCallsDoNotAllocate(t *testing.T) {
	for _, name := range Names() {
		for _, v := range registry[name].Variants {
			if v.kernel == nil {
				continue
			}
			var p Args
			for i := range v.Params {
				p[i] = 0.5
			}
			allocs := testing.AllocsPerRun(100, func() { _, _, _ = logp(v.kernel, 0.25, p, 1<<len(v.Params)-1) })
			if allocs != 0 {
				t.Errorf("%s%v: %v allocations per call", name, v.Params, allocs)
			}
		}
	}
}
