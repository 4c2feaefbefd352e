package soma

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/sparkgo/spark"
)

// TestNew: New makes every model of Models by name, of its type, with the
// state and spikes its constructor with the same config gives; an unknown
// name and a bad config are errors, with no population.
func TestNew(t *testing.T) {
	if got := len(Models()); got != len(models) {
		t.Fatalf("Models() has %d names, the tests know %d models", got, len(models))
	}
	for i, name := range Models() {
		s, err := New(name, 70, 0.25)
		if err != nil {
			t.Fatalf("New(%q): %v", name, err)
		}
		if got := reflect.TypeOf(s).Elem().Name(); got != name {
			t.Errorf("New(%q) is a %s", name, got)
		}
		want, _ := mustBuild(t, models[i], 70, 0.25, nil)
		if got := reflect.TypeOf(want).Elem().Name(); got != name {
			t.Fatalf("the tests' model %d is %s, Models()[%d] %s: not the same order", i, got, i, name)
		}
		cur := make([]float32, 70)
		for u := range cur {
			cur[u] = float32(u * 10)
		}
		a, b := spark.NewSpikes(70), spark.NewSpikes(70)
		for range 50 {
			s.Step(cur, a)
			want.Step(cur, b)
		}
		if d := diffState(stateOf(s), stateOf(want)); d != "" || !reflect.DeepEqual(a, b) {
			t.Errorf("New(%q) steps unlike its constructor: %s", name, d)
		}
	}
	if s, err := New("Lazy", 10, 1); s != nil || err == nil || !strings.Contains(err.Error(), `unknown model "Lazy"`) {
		t.Errorf("New(Lazy) = %v, %v", s, err)
	}
	var ce *spark.ConfigError
	if s, err := New("Leaky", 10, -1); s != nil || !errors.As(err, &ce) {
		t.Errorf("New(Leaky, Dt -1) = %v, %v; want a *spark.ConfigError", s, err)
	}
}
