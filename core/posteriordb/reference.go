package posteriordb

import (
	"archive/zip"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"runtime"
	"sort"
)

// Dir is the directory of the reference files in a checkout of exmc.
func Dir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "testdata", "posteriordb")
}

// Moments are a parameter's reference posterior mean and standard
// deviation.
type Moments struct{ Mean, SD float64 }

// Reference reads a reference posterior (e.g. "kidiq-kidscore_momiq") and
// returns the moments of each parameter under its Stan name ("beta[1]").
func Reference(posterior string) (map[string]Moments, error) {
	var chains []map[string][]float64
	if err := readZipJSON(filepath.Join(Dir(), posterior+".reference.json.zip"), &chains); err != nil {
		return nil, err
	}
	pooled := map[string][]float64{}
	for _, c := range chains {
		for k, v := range c {
			pooled[k] = append(pooled[k], v...)
		}
	}
	out := map[string]Moments{}
	for k, v := range pooled {
		out[k] = moments(v)
	}
	return out, nil
}

// Data reads a data set (e.g. "kidiq") as a map of JSON values.
func Data(name string) (map[string]json.RawMessage, error) {
	var d map[string]json.RawMessage
	err := readZipJSON(filepath.Join(Dir(), name+".data.json.zip"), &d)
	return d, err
}

func readZipJSON(path string, v any) error {
	r, err := zip.OpenReader(path)
	if err != nil {
		return err
	}
	defer r.Close()
	if len(r.File) != 1 {
		return fmt.Errorf("%s: want one file in the archive, found %d", path, len(r.File))
	}
	f, err := r.File[0].Open()
	if err != nil {
		return err
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

func moments(v []float64) Moments {
	m := 0.0
	for _, x := range v {
		m += x
	}
	m /= float64(len(v))
	s := 0.0
	for _, x := range v {
		s += (x - m) * (x - m)
	}
	return Moments{Mean: m, SD: math.Sqrt(s / float64(len(v)-1))}
}

// Names lists a reference's parameter names in sorted order.
func Names(ref map[string]Moments) []string {
	out := make([]string, 0, len(ref))
	for k := range ref {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
