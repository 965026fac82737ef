// Package deploy_test checks the deployment files operators use: the
// systemd unit with systemd-analyze, the Kubernetes manifests built with
// kustomize and decoded strictly into the Kubernetes API types.
package deploy_test

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	kjson "sigs.k8s.io/json"
	"sigs.k8s.io/yaml"

	"github.com/dinum/rappel/config"
)

func need(t *testing.T, tool, pkg string) string {
	t.Helper()
	path, err := exec.LookPath(tool)
	if err != nil {
		t.Fatalf("%s introuvable : ce test en a besoin (%s)", tool, pkg)
	}
	return path
}

// TestSystemdUnit verifies the unit with systemd-analyze, which must have
// nothing to say, and checks its hardening.
func TestSystemdUnit(t *testing.T) {
	t.Parallel()
	analyze := need(t, "systemd-analyze", "paquet systemd")
	unit, err := os.ReadFile("systemd/rappel.service")
	if err != nil {
		t.Fatal(err)
	}
	// systemd-analyze checks that ExecStart= is executable: point it at a
	// real build of rappel.
	dir := t.TempDir()
	bin := filepath.Join(dir, "rappel")
	if out, err := exec.Command("go", "build", "-o", bin, "../cmd/rappel").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	path := filepath.Join(dir, "rappel.service")
	if err := os.WriteFile(path, bytes.ReplaceAll(unit, []byte("/usr/local/bin/rappel"), []byte(bin)), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(analyze, "verify", path).CombinedOutput()
	if err != nil || len(bytes.TrimSpace(out)) > 0 {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}
	for _, want := range []string{
		"Type=notify", "WatchdogSec=", "EnvironmentFile=/etc/rappel/rappel.env", "Restart=on-failure",
		"DynamicUser=yes", "ProtectSystem=strict", "NoNewPrivileges=yes", "PrivateTmp=yes",
		"RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX", "CapabilityBoundingSet=\n", "SystemCallFilter=@system-service",
		"ExecStartPre=/usr/local/bin/rappel migrate", "TimeoutStopSec=20s",
	} {
		if !bytes.Contains(unit, []byte(want)) {
			t.Errorf("the unit lacks %q", want)
		}
	}

	t.Run("MisspeltKeyIsCaught", func(t *testing.T) {
		t.Parallel()
		bad := filepath.Join(t.TempDir(), "rappel.service")
		_ = os.WriteFile(bad, bytes.ReplaceAll(bytes.ReplaceAll(unit, []byte("/usr/local/bin/rappel"), []byte(bin)),
			[]byte("ProtectSystem="), []byte("ProtectSytem=")), 0o644)
		if out, _ := exec.Command(analyze, "verify", bad).CombinedOutput(); !bytes.Contains(out, []byte("ProtectSytem")) {
			t.Errorf("a misspelt key went unnoticed: %s", out)
		}
	})
}

// TestEnvironmentExample documents every variable of the configuration.
func TestEnvironmentExample(t *testing.T) {
	t.Parallel()
	example, err := os.ReadFile("systemd/rappel.env.example")
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range config.Options() {
		if !bytes.Contains(example, []byte(o.Name+"=")) {
			t.Errorf("rappel.env.example lacks %s", o.Name)
		}
	}
}

// objects builds a kustomization and decodes each object strictly: an
// unknown or misspelt field is an error.
func objects(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	kubectl := need(t, "kubectl", "client kubectl")
	out, err := exec.Command(kubectl, "kustomize", dir).Output()
	if err != nil {
		t.Fatalf("kubectl kustomize %s: %v", dir, err)
	}
	byName := map[string][]byte{}
	for _, doc := range strings.Split(string(out), "\n---\n") {
		var meta struct {
			Kind     string `json:"kind"`
			Metadata struct {
				Name string `json:"name"`
			} `json:"metadata"`
		}
		if err := yaml.Unmarshal([]byte(doc), &meta); err != nil {
			t.Fatal(err)
		}
		strict(t, meta.Kind, []byte(doc))
		byName[meta.Kind+"/"+meta.Metadata.Name] = []byte(doc)
	}
	return byName
}

// decodeStrict decodes YAML as the Kubernetes API server does: an unknown
// field, a field in the wrong case or a duplicate one is an error
// (encoding/json alone would accept "readOnlyRootFileSystem").
func decodeStrict(doc []byte, obj any) error {
	data, err := yaml.YAMLToJSON(doc)
	if err != nil {
		return err
	}
	strictErrs, err := kjson.UnmarshalStrict(data, obj, kjson.DisallowDuplicateFields, kjson.DisallowUnknownFields)
	if err != nil {
		return err
	}
	return errors.Join(strictErrs...)
}

// strict decodes an object into its API type, refusing unknown fields.
func strict(t *testing.T, kind string, doc []byte) any {
	t.Helper()
	var obj any
	switch kind {
	case "Deployment":
		obj = &appsv1.Deployment{}
	case "Job":
		obj = &batchv1.Job{}
	case "Service":
		obj = &corev1.Service{}
	case "ConfigMap":
		obj = &corev1.ConfigMap{}
	case "Secret":
		obj = &corev1.Secret{}
	case "PodDisruptionBudget":
		obj = &policyv1.PodDisruptionBudget{}
	default:
		t.Fatalf("unexpected kind %q", kind)
	}
	if err := decodeStrict(doc, obj); err != nil {
		t.Errorf("%s does not decode strictly: %v", kind, err)
	}
	return obj
}

func TestKubernetesBase(t *testing.T) {
	t.Parallel()
	objs := objects(t, "kubernetes/base")
	for _, name := range []string{"Deployment/rappel", "Job/rappel-migrate-1-0-0", "Service/rappel", "ConfigMap/rappel-config",
		"Secret/rappel-secrets", "PodDisruptionBudget/rappel"} {
		if objs[name] == nil {
			t.Errorf("missing %s", name)
		}
	}
	var d appsv1.Deployment
	_ = yaml.Unmarshal(objs["Deployment/rappel"], &d)
	checkPod(t, "rappel", d.Spec.Template.Spec, []string{"run"}, true)
	if *d.Spec.Replicas != 2 {
		t.Errorf("replicas = %d", *d.Spec.Replicas)
	}
	var j batchv1.Job
	_ = yaml.Unmarshal(objs["Job/rappel-migrate-1-0-0"], &j)
	checkPod(t, "migrate job", j.Spec.Template.Spec, []string{"migrate"}, false)
	var pdb policyv1.PodDisruptionBudget
	_ = yaml.Unmarshal(objs["PodDisruptionBudget/rappel"], &pdb)
	if pdb.Spec.MinAvailable == nil || pdb.Spec.MinAvailable.IntValue() != 1 {
		t.Errorf("PDB = %+v", pdb.Spec)
	}
	checkSettings(t, objs)
}

func TestKubernetesSplit(t *testing.T) {
	t.Parallel()
	objs := objects(t, "kubernetes/split")
	for name, args := range map[string][]string{"Deployment/rappel": {"run", "--only", "web"}, "Deployment/rappel-worker": {"run", "--only", "worker"}} {
		var d appsv1.Deployment
		if err := yaml.Unmarshal(objs[name], &d); err != nil || objs[name] == nil {
			t.Fatalf("%s: %v", name, err)
		}
		checkPod(t, name, d.Spec.Template.Spec, args, true)
	}
}

// checkPod checks what every pod of rappel must have: the image, the
// arguments, the settings, a non-root read-only container without
// privileges, resources; and for the service, probes and a grace period
// that fits the graceful stop.
func checkPod(t *testing.T, name string, spec corev1.PodSpec, args []string, service bool) {
	t.Helper()
	c := spec.Containers[0]
	if c.Image != "registry.example.gouv.fr/dinum/rappel:1.0.0" || !slices.Equal(c.Args, args) || len(c.EnvFrom) != 2 {
		t.Errorf("%s: image %s, args %v, envFrom %d", name, c.Image, c.Args, len(c.EnvFrom))
	}
	sc, psc := c.SecurityContext, spec.SecurityContext
	if psc == nil || psc.RunAsNonRoot == nil || !*psc.RunAsNonRoot || sc == nil || sc.AllowPrivilegeEscalation == nil ||
		*sc.AllowPrivilegeEscalation || sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem ||
		sc.Capabilities == nil || !slices.Contains(sc.Capabilities.Drop, "ALL") {
		t.Errorf("%s: security context %+v / %+v", name, psc, sc)
	}
	if c.Resources.Requests.Memory().IsZero() || c.Resources.Limits.Memory().IsZero() {
		t.Errorf("%s: resources %+v", name, c.Resources)
	}
	if !service {
		return
	}
	if c.LivenessProbe == nil || c.LivenessProbe.HTTPGet.Path != "/healthz" || c.ReadinessProbe == nil || c.ReadinessProbe.HTTPGet.Path != "/readyz" {
		t.Errorf("%s: probes %+v %+v", name, c.LivenessProbe, c.ReadinessProbe)
	}
	// The graceful stop takes 10 s at most (5 s of grace for the sends,
	// then flushing and giving back): 15 to 30 s of grace period.
	if g := spec.TerminationGracePeriodSeconds; g == nil || *g < 15 || *g > 30 {
		t.Errorf("%s: terminationGracePeriodSeconds = %v", name, g)
	}
}

// checkSettings: every key of the ConfigMap and the Secret is a setting
// rappel knows (a misspelt one would be silently ignored), and the required
// ones are there.
func checkSettings(t *testing.T, objs map[string][]byte) {
	t.Helper()
	var cm corev1.ConfigMap
	var sec corev1.Secret
	_ = yaml.Unmarshal(objs["ConfigMap/rappel-config"], &cm)
	_ = yaml.Unmarshal(objs["Secret/rappel-secrets"], &sec)
	known := map[string]bool{}
	for _, o := range config.Options() {
		known[o.Name] = true
	}
	keys := map[string]bool{}
	for k := range cm.Data {
		keys[k] = true
	}
	for k := range sec.StringData {
		keys[k] = true
		for _, o := range config.Options() {
			if o.Name == k && !o.Secret && k != "DATABASE_URL" && k != "SMTP_USERNAME" {
				t.Errorf("%s is in the Secret but is no secret", k)
			}
		}
	}
	for k := range keys {
		if !known[k] {
			t.Errorf("unknown setting %s", k)
		}
	}
	for _, k := range []string{"DATABASE_URL", "MAIL_FROM", "PUBLIC_URL", "SECRET_KEYS", "SMTP_HOST"} {
		if !keys[k] {
			t.Errorf("required setting %s missing", k)
		}
	}
	if _, ok := cm.Data["SMTP_PASSWORD"]; ok {
		t.Error("a secret in the ConfigMap")
	}
}

// TestStrictDecodingCatchesTypos proves the check is real: a misspelt
// field fails.
func TestStrictDecodingCatchesTypos(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("kubernetes/base/deployment.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, typo := range [][2]string{{"readOnlyRootFilesystem", "readOnlyRootFileSystem"}, {"replicas", "replcas"}} {
		bad := bytes.Replace(raw, []byte(typo[0]), []byte(typo[1]), 1)
		if err := decodeStrict(bad, &appsv1.Deployment{}); err == nil {
			t.Errorf("the misspelt field %s decoded without error", typo[1])
		}
	}
	// Each file of the base decodes strictly on its own too.
	files, _ := filepath.Glob("kubernetes/*/*.yaml")
	for _, f := range files {
		if strings.HasSuffix(f, "kustomization.yaml") {
			continue
		}
		doc, _ := os.ReadFile(f)
		var meta struct {
			Kind string `json:"kind"`
		}
		_ = yaml.Unmarshal(doc, &meta)
		strict(t, meta.Kind, doc)
	}
}
