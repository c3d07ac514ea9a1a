package io.ordo.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * Offline checks of the deployment artefacts: the kustomize manifests under {@code k8s/} and the Dockerfiles under
 * {@code src/main/docker/}. Plain JUnit, no Quarkus and no cluster: every YAML file is parsed (multi-document aware)
 * and the properties that matter for running Ordo safely are asserted.
 */
class KubernetesManifestsTest {

    private static final Path PROJECT_DIR = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
    private static final Path K8S_DIR = PROJECT_DIR.resolve("k8s");
    private static final Path DOCKER_DIR = PROJECT_DIR.resolve("src/main/docker");

    private static final String KUSTOMIZATION_FILE = "kustomization.yaml";
    private static final String SECRET_EXAMPLE_FILE = "secret.example.yaml";
    private static final String SECRET_NAME = "ordo-secrets";
    private static final String CONFIG_MAP_NAME = "ordo-config";
    private static final String KNATIVE_API_VERSION = "serving.knative.dev/v1";
    private static final int HTTP_PORT = 8080;
    private static final int APP_SHUTDOWN_TIMEOUT_SECONDS = 30;

    /** Names that must never carry a literal value: they are credentials and come from a Secret. */
    private static final Pattern CREDENTIAL_NAME = Pattern.compile("(?i).*(PASSWORD|SECRET|TOKEN|USERNAME|CREDENTIAL|API_?KEY).*");
    /** user:password@host in a URL. */
    private static final Pattern CREDENTIAL_IN_URL = Pattern.compile("://[^/@\\s]+:[^/@\\s]+@");

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static List<Manifest> manifests;
    private static List<Path> kustomizations;

    /** One YAML document and the file it came from. */
    record Manifest(Path file, JsonNode doc) {

        String apiVersion() {
            return doc.path("apiVersion").asText("");
        }

        String kind() {
            return doc.path("kind").asText("");
        }

        String name() {
            return doc.path("metadata").path("name").asText("");
        }

        boolean is(String apiVersion, String kind) {
            return apiVersion().equals(apiVersion) && kind().equals(kind);
        }

        @Override
        public String toString() {
            return kind() + "/" + name() + " (" + K8S_DIR.relativize(file) + ")";
        }
    }

    @BeforeAll
    static void loadManifests() throws IOException {
        assertTrue(Files.isDirectory(K8S_DIR), "k8s/ not found under " + PROJECT_DIR);
        List<Path> yamlFiles;
        try (Stream<Path> walk = Files.walk(K8S_DIR)) {
            yamlFiles = walk.filter(Files::isRegularFile)
                    .filter(p -> p.getFileName().toString().matches(".*\\.ya?ml"))
                    .sorted()
                    .toList();
        }
        kustomizations = yamlFiles.stream().filter(KubernetesManifestsTest::isKustomization).toList();
        manifests = yamlFiles.stream()
                .filter(p -> !isKustomization(p))
                .flatMap(p -> readDocuments(p).stream().map(doc -> new Manifest(p, doc)))
                .toList();
        assertFalse(kustomizations.isEmpty(), "no kustomization.yaml under k8s/");
        assertFalse(manifests.isEmpty(), "no manifests under k8s/");
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Every manifest, every kustomization

    @Test
    void everyDocumentHasApiVersionKindAndName() {
        List<String> problems = new ArrayList<>();
        for (Manifest m : manifests) {
            if (m.apiVersion().isBlank() || m.kind().isBlank() || m.name().isBlank()) {
                problems.add(K8S_DIR.relativize(m.file()) + ": document without apiVersion/kind/metadata.name: " + m.doc());
            }
        }
        assertNoProblems(problems);
    }

    @Test
    void kustomizationResourcesExist() {
        List<String> problems = new ArrayList<>();
        for (Path kustomization : kustomizations) {
            JsonNode doc = readSingleDocument(kustomization);
            assertEquals("Kustomization", doc.path("kind").asText(), kustomization + " kind");
            for (String resource : textValues(doc.path("resources"))) {
                Path target = kustomization.getParent().resolve(resource).normalize();
                boolean isFile = Files.isRegularFile(target) && target.startsWith(kustomization.getParent());
                boolean isKustomizationDir = Files.isRegularFile(target.resolve(KUSTOMIZATION_FILE));
                if (!isFile && !isKustomizationDir) {
                    // kustomize only loads files inside the kustomization's own directory; outside it, only
                    // directories holding a kustomization are allowed.
                    problems.add(K8S_DIR.relativize(kustomization) + ": resource '" + resource
                            + "' is neither a file inside its directory nor a directory with a kustomization.yaml");
                }
            }
        }
        assertNoProblems(problems);
    }

    @Test
    void everyManifestExceptTheSecretExampleIsListedInAKustomization() {
        Set<Path> referenced = new HashSet<>();
        for (Path kustomization : kustomizations) {
            referenced.addAll(resourceFiles(kustomization));
        }
        List<String> orphans = manifests.stream()
                .map(Manifest::file)
                .distinct()
                .filter(file -> !file.getFileName().toString().equals(SECRET_EXAMPLE_FILE))
                .filter(file -> !referenced.contains(file))
                .map(file -> K8S_DIR.relativize(file) + " is not listed in any kustomization")
                .toList();
        assertNoProblems(orphans);
        assertFalse(referenced.contains(K8S_DIR.resolve(SECRET_EXAMPLE_FILE)),
                SECRET_EXAMPLE_FILE + " must not be applied by any kustomization");
    }

    @Test
    void noSecretIsCommittedExceptThePlaceholderExample() {
        List<String> problems = new ArrayList<>();
        for (Manifest m : manifests) {
            if (!m.kind().equals("Secret")) {
                continue;
            }
            if (!m.file().getFileName().toString().equals(SECRET_EXAMPLE_FILE)) {
                problems.add(m + ": Secrets are referenced, never committed");
                continue;
            }
            fields(m.doc().path("data")).forEach((key, value) -> problems.add(m + ": example uses base64 data for " + key));
            fields(m.doc().path("stringData")).forEach((key, value) -> {
                if (!value.asText().equals("CHANGE_ME")) {
                    problems.add(m + ": example value of " + key + " must be the placeholder CHANGE_ME");
                }
            });
        }
        assertNoProblems(problems);
    }

    @Test
    void credentialsOnlyComeFromSecretKeyRefs() {
        List<String> problems = new ArrayList<>();
        for (Manifest workload : podOwners()) {
            for (JsonNode container : containers(workload)) {
                for (JsonNode env : container.path("env")) {
                    String name = env.path("name").asText();
                    if (!CREDENTIAL_NAME.matcher(name).matches()) {
                        continue;
                    }
                    if (env.has("value")) {
                        problems.add(workload + ": env " + name + " has a plain value; use valueFrom.secretKeyRef");
                    } else if (!env.path("valueFrom").has("secretKeyRef")) {
                        problems.add(workload + ": env " + name + " must come from valueFrom.secretKeyRef");
                    }
                }
            }
        }
        assertNoProblems(problems);
    }

    @Test
    void secretKeyRefsPointAtOrdoSecretsKeysShownInTheExample() {
        Set<String> exampleKeys = fields(findOne("v1", "Secret").doc().path("stringData")).keySet();
        List<String> problems = new ArrayList<>();
        for (Manifest workload : podOwners()) {
            for (JsonNode container : containers(workload)) {
                for (JsonNode env : container.path("env")) {
                    JsonNode ref = env.path("valueFrom").path("secretKeyRef");
                    if (ref.isMissingNode()) {
                        continue;
                    }
                    String secretName = ref.path("name").asText();
                    String key = ref.path("key").asText();
                    if (!secretName.equals(SECRET_NAME)) {
                        problems.add(workload + ": " + env.path("name").asText() + " refers to Secret " + secretName);
                    }
                    if (!exampleKeys.contains(key)) {
                        problems.add(workload + ": key " + key + " is missing from " + SECRET_EXAMPLE_FILE);
                    }
                }
            }
        }
        assertNoProblems(problems);
    }

    @Test
    void configMapHoldsNoCredentials() {
        Manifest configMap = findByName("v1", "ConfigMap", CONFIG_MAP_NAME);
        List<String> problems = new ArrayList<>();
        fields(configMap.doc().path("data")).forEach((key, value) -> {
            if (CREDENTIAL_NAME.matcher(key).matches()) {
                problems.add(configMap + ": key " + key + " looks like a credential; put it in " + SECRET_NAME);
            }
            if (CREDENTIAL_IN_URL.matcher(value.asText()).find() || value.asText().toLowerCase().contains("password=")) {
                problems.add(configMap + ": value of " + key + " embeds credentials");
            }
        });
        assertNoProblems(problems);
        assertTrue(configMap.doc().path("data").has("QUARKUS_DATASOURCE_REACTIVE_URL"), "reactive datasource URL");
        assertTrue(configMap.doc().path("data").has("AMQP_HOST"), "AMQP host");
    }

    @Test
    void workloadsLoadTheirConfigFromTheConfigMap() {
        Set<String> configMaps = manifests.stream().filter(m -> m.is("v1", "ConfigMap")).map(Manifest::name)
                .collect(Collectors.toSet());
        for (Manifest workload : workloads()) {
            JsonNode container = mainContainer(workload);
            List<String> refs = new ArrayList<>();
            container.path("envFrom").forEach(from -> refs.add(from.path("configMapRef").path("name").asText()));
            assertTrue(refs.contains(CONFIG_MAP_NAME), workload + " envFrom configMapRef " + CONFIG_MAP_NAME);
            assertTrue(configMaps.containsAll(refs.stream().filter(r -> !r.isEmpty()).toList()),
                    workload + " refers to a ConfigMap that is not defined: " + refs);
        }
    }

    @Test
    void bothVariantsRunTheSameImage() {
        Set<String> images = workloads().stream().map(w -> mainContainer(w).path("image").asText())
                .collect(Collectors.toSet());
        assertEquals(1, images.size(), "the Deployments and the Knative Service run different images: " + images);
    }

    @Test
    void kustomizeBuildsEveryKustomizationWhenKubectlIsAvailable() throws Exception {
        Assumptions.assumeTrue(commandAvailable("kubectl"), "kubectl not on PATH");
        for (Path kustomization : kustomizations) {
            Process process = new ProcessBuilder("kubectl", "kustomize", kustomization.getParent().toString())
                    .redirectErrorStream(true)
                    .start();
            String output = new String(process.getInputStream().readAllBytes());
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "kubectl kustomize timed out");
            assertEquals(0, process.exitValue(), "kubectl kustomize " + kustomization.getParent() + ":\n" + output);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Plain Kubernetes: Deployment, Service, HPA, PDB

    @Nested
    class DeploymentVariant {

        private final Manifest deployment = findByName("apps/v1", "Deployment", "ordo");
        private final JsonNode podSpec = deployment.doc().path("spec").path("template").path("spec");
        private final JsonNode container = mainContainer(deployment);

        @Test
        void selectorMatchesTemplateLabels() {
            Map<String, String> selector = stringMap(deployment.doc().path("spec").path("selector").path("matchLabels"));
            assertFalse(selector.isEmpty(), "Deployment selector.matchLabels");
            assertEquals("ordo", selector.get("app.kubernetes.io/name"), "selector app.kubernetes.io/name");
            assertLabelsSelect(selector, templateLabels(deployment), deployment + " selector");
        }

        @Test
        void exposesPort8080NamedHttp() {
            assertEquals(HTTP_PORT, containerPort(container, "http"), "container port named http");
        }

        @Test
        void probesUseTheQuarkusHealthEndpointsOnTheHttpPort() {
            assertHttpProbe(container, "startupProbe", "/q/health/started");
            assertHttpProbe(container, "livenessProbe", "/q/health/live");
            assertHttpProbe(container, "readinessProbe", "/q/health/ready");
        }

        @Test
        void declaresResourceRequestsAndMemoryLimit() {
            assertResources(deployment, container);
        }

        @Test
        void runsAsNonRootWithAReadOnlyRootFilesystem() {
            assertHardenedContainer(deployment, container, podSpec);
            assertTmpIsWritable(deployment, container, podSpec);
        }

        @Test
        void graceOutlastsTheApplicationShutdownTimeout() {
            int grace = podSpec.path("terminationGracePeriodSeconds").asInt(30);
            int preStopSleep = preStopSleepSeconds(container);
            assertTrue(grace > APP_SHUTDOWN_TIMEOUT_SECONDS + preStopSleep,
                    "terminationGracePeriodSeconds " + grace + " must exceed preStop " + preStopSleep
                            + " s + shutdown timeout " + APP_SHUTDOWN_TIMEOUT_SECONDS + " s");
        }

        @Test
        void isAnnotatedForPrometheusScraping() {
            assertPrometheusAnnotations(deployment);
        }

        @Test
        void leavesTheReplicaCountToTheAutoscaler() {
            assertFalse(deployment.doc().path("spec").has("replicas"),
                    "an HPA scales this Deployment; spec.replicas would reset it on every apply");
        }

        @Test
        void serviceTargetsTheNamedHttpPortOfTheDeploymentPods() {
            Manifest service = findOne("v1", "Service");
            assertLabelsSelect(stringMap(service.doc().path("spec").path("selector")), templateLabels(deployment),
                    service + " selector");
            JsonNode ports = service.doc().path("spec").path("ports");
            assertFalse(ports.isEmpty(), service + " ports");
            for (JsonNode port : ports) {
                String targetPort = port.path("targetPort").asText();
                assertEquals("http", targetPort, service + " targetPort should be the named container port");
                assertNotNull(containerPort(container, targetPort), "no container port named " + targetPort);
            }
        }

        @Test
        void autoscalerTargetsTheDeploymentOnCpuUtilisation() {
            Manifest hpa = findOne("autoscaling/v2", "HorizontalPodAutoscaler");
            JsonNode spec = hpa.doc().path("spec");
            JsonNode target = spec.path("scaleTargetRef");
            assertEquals("apps/v1", target.path("apiVersion").asText(), "scaleTargetRef.apiVersion");
            assertEquals("Deployment", target.path("kind").asText(), "scaleTargetRef.kind");
            assertEquals(deployment.name(), target.path("name").asText(), "scaleTargetRef.name");
            assertTrue(spec.path("minReplicas").asInt(1) <= spec.path("maxReplicas").asInt(0), "minReplicas <= maxReplicas");
            boolean cpuUtilisation = false;
            for (JsonNode metric : spec.path("metrics")) {
                JsonNode resource = metric.path("resource");
                cpuUtilisation |= metric.path("type").asText().equals("Resource")
                        && resource.path("name").asText().equals("cpu")
                        && resource.path("target").path("type").asText().equals("Utilization")
                        && resource.path("target").path("averageUtilization").asInt() > 0;
            }
            assertTrue(cpuUtilisation, hpa + " needs a CPU Utilization metric");
            assertTrue(container.path("resources").path("requests").has("cpu"), "CPU utilisation needs a CPU request");
        }

        @Test
        void disruptionBudgetSelectsTheDeploymentPods() {
            Manifest pdb = findOne("policy/v1", "PodDisruptionBudget");
            JsonNode spec = pdb.doc().path("spec");
            assertTrue(spec.has("minAvailable") || spec.has("maxUnavailable"), pdb + " minAvailable or maxUnavailable");
            assertLabelsSelect(stringMap(spec.path("selector").path("matchLabels")), templateLabels(deployment),
                    pdb + " selector");
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Knative Serving

    @Nested
    class KnativeVariant {

        private final Manifest service = findOne(KNATIVE_API_VERSION, "Service");
        private final JsonNode template = service.doc().path("spec").path("template");
        private final JsonNode container = mainContainer(service);

        @Test
        void autoscalesOnConcurrencyWithScaleBounds() {
            JsonNode annotations = template.path("metadata").path("annotations");
            assertEquals("concurrency", annotations.path("autoscaling.knative.dev/metric").asText(), "metric");
            assertPositiveInteger(annotations, "autoscaling.knative.dev/target");
            assertTrue(annotations.path("autoscaling.knative.dev/min-scale").asText("").matches("\\d+"), "min-scale");
            assertPositiveInteger(annotations, "autoscaling.knative.dev/max-scale");
            assertTrue(template.path("spec").path("containerConcurrency").asInt(0) > 0, "containerConcurrency");
        }

        @Test
        void exposesPort8080UnderAKnativePortName() {
            JsonNode ports = container.path("ports");
            assertEquals(1, ports.size(), "Knative allows exactly one port");
            assertEquals(HTTP_PORT, ports.get(0).path("containerPort").asInt(), "containerPort");
            assertTrue(Set.of("", "http1", "h2c").contains(ports.get(0).path("name").asText("")),
                    "Knative accepts only the port names http1 and h2c");
        }

        @Test
        void probesUseTheQuarkusHealthEndpoints() {
            assertHttpProbe(container, "startupProbe", "/q/health/started");
            assertHttpProbe(container, "livenessProbe", "/q/health/live");
            assertHttpProbe(container, "readinessProbe", "/q/health/ready");
        }

        @Test
        void declaresResourceRequestsAndMemoryLimit() {
            assertResources(service, container);
        }

        @Test
        void runsAsNonRootWithAReadOnlyRootFilesystem() {
            JsonNode podSpec = template.path("spec");
            assertHardenedContainer(service, container, podSpec);
            assertTmpIsWritable(service, container, podSpec);
        }

        @Test
        void avoidsFieldsKnativeRejects() {
            JsonNode podSpec = template.path("spec");
            assertFalse(podSpec.has("terminationGracePeriodSeconds"), "Knative rejects terminationGracePeriodSeconds");
            assertFalse(container.has("lifecycle"), "Knative rejects lifecycle hooks");
        }

        @Test
        void isAnnotatedForPrometheusScraping() {
            assertPrometheusAnnotations(service);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Scale to zero: the tick CronJob (knative/) and the worker KEDA scales from zero (keda/)

    /** The due-work sum, as GET /v1/ops/due computes it from the per-feature SQL functions. */
    private static final String DUE_WORK_QUERY =
            "SELECT outbox_due_count() + webhook_deliveries_due_count() + holds_due_count()";

    @Nested
    class ScaleToZero {

        private final Manifest worker = findByName("apps/v1", "Deployment", "ordo-worker");
        private final Manifest scaledObject = findOne("keda.sh/v1alpha1", "ScaledObject");
        private final Manifest tick = findByName("batch/v1", "CronJob", "ordo-tick");

        @Test
        void theDueWorkQueryCallsFunctionsTheMigrationsDefine() throws IOException {
            String migrations;
            try (Stream<Path> files = Files.list(PROJECT_DIR.resolve("src/main/resources/db/migration"))) {
                migrations = files.filter(f -> f.getFileName().toString().startsWith("R__")).map(f -> {
                    try {
                        return Files.readString(f);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }).collect(Collectors.joining("\n"));
            }
            for (String function : List.of("outbox_due_count", "webhook_deliveries_due_count", "holds_due_count")) {
                assertTrue(migrations.contains("CREATE OR REPLACE FUNCTION " + function + "() RETURNS bigint"),
                        function + " is defined by a repeatable migration");
            }
        }

        @Test
        void kedaScalesTheWorkerFromZeroOnTheDueWork() {
            JsonNode spec = scaledObject.doc().path("spec");
            assertEquals("Deployment", spec.path("scaleTargetRef").path("kind").asText());
            assertEquals(worker.name(), spec.path("scaleTargetRef").path("name").asText());
            assertEquals(0, spec.path("minReplicaCount").asInt(-1), "minReplicaCount");
            assertTrue(spec.path("maxReplicaCount").asInt(0) >= 1, "maxReplicaCount");
            JsonNode trigger = spec.path("triggers").get(0);
            assertEquals("postgresql", trigger.path("type").asText());
            assertEquals(DUE_WORK_QUERY, trigger.path("metadata").path("query").asText());
            assertEquals("0", trigger.path("metadata").path("activationTargetQueryValue").asText(),
                    "any due item activates");
            String auth = trigger.path("authenticationRef").path("name").asText();
            Manifest authentication = findByName("keda.sh/v1alpha1", "TriggerAuthentication", auth);
            Set<String> exampleKeys = fields(findOne("v1", "Secret").doc().path("stringData")).keySet();
            for (JsonNode ref : authentication.doc().path("spec").path("secretTargetRef")) {
                assertEquals(SECRET_NAME, ref.path("name").asText());
                assertTrue(exampleKeys.contains(ref.path("key").asText()), ref + " key in " + SECRET_EXAMPLE_FILE);
            }
        }

        @Test
        void theWorkerIsTheApiImageHardenedWithNoServiceInFront() {
            JsonNode container = mainContainer(worker);
            assertHardenedContainer(worker, container, podSpec(worker));
            assertTmpIsWritable(worker, container, podSpec(worker));
            assertResources(worker, container);
            assertHttpProbe(container, "readinessProbe", "/q/health/ready");
            assertFalse(worker.doc().path("spec").has("replicas"), "KEDA owns the replica count");
            Map<String, String> labels = templateLabels(worker);
            for (Manifest service : manifests.stream().filter(m -> m.is("v1", "Service")).toList()) {
                Map<String, String> selector = stringMap(service.doc().path("spec").path("selector"));
                boolean selects = !selector.isEmpty() && selector.entrySet().stream()
                        .allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
                assertFalse(selects, service + " must not route requests to the worker");
            }
        }

        @Test
        void theTickCronJobRunsOneAtATimeHardened() {
            JsonNode spec = tick.doc().path("spec");
            assertEquals("* * * * *", spec.path("schedule").asText(), "every minute");
            assertEquals("Forbid", spec.path("concurrencyPolicy").asText());
            JsonNode container = mainContainer(tick);
            assertHardenedContainer(tick, container, podSpec(tick));
            assertResources(tick, container);
            assertTrue(container.path("args").get(0).asText().contains(DUE_WORK_QUERY.replace("SELECT ", "")),
                    "the CronJob asks the same question as KEDA");
        }

        @Test
        void theTickScriptCallsTheTickOnlyWhenWorkIsDueOrForThePurges() throws Exception {
            Assumptions.assumeTrue(commandAvailable("sh"), "no POSIX shell");
            assertEquals(List.of(), runTickScript("0", "07"), "idle: no token asked, no tick");
            List<String> calls = runTickScript("3", "07");
            assertEquals(2, calls.size(), calls.toString());
            assertTrue(calls.get(0).contains("grant_type=client_credentials")
                    && calls.get(0).contains("Authorization: Basic " + java.util.Base64.getEncoder()
                            .encodeToString("ordo-tick:s3cret".getBytes())), calls.get(0));
            assertTrue(calls.get(1).contains("Authorization: Bearer tok-123")
                    && calls.get(1).endsWith("http://ordo.test/v1/ops/tick"), calls.get(1));
            assertEquals(2, runTickScript("0", "30").size(), "every 15th minute for the purges");
            assertEquals(2, runTickScript("0", "00").size(), "minute 00");
        }

        /** Runs the CronJob's script with psql, wget and date stubbed; returns the wget calls it made. */
        private List<String> runTickScript(String due, String minute) throws Exception {
            Path dir = Files.createTempDirectory("tick");
            try {
                Path calls = dir.resolve("calls");
                stub(dir, "psql", "echo " + due);
                stub(dir, "date", "echo " + minute);
                stub(dir, "wget", "echo \"$*\" >> " + calls + "\n"
                        + "case \"$*\" in *client_credentials*) echo '{\"access_token\":\"tok-123\",\"expires_in\":300}';; "
                        + "*) echo '{\"complete\":true}';; esac");
                JsonNode container = mainContainer(tick);
                ProcessBuilder run = new ProcessBuilder("sh", "-ec", container.path("args").get(0).asText())
                        .redirectErrorStream(true);
                run.environment().put("PATH", dir + ":" + System.getenv("PATH"));
                run.environment().put("ORDO_URL", "http://ordo.test");
                run.environment().put("GRANT_ENDPOINT", "http://issuer.test/token");
                run.environment().put("SCALER_DATABASE_URL", "postgresql://scaler@db/ordo");
                run.environment().put("TICK_CLIENT_ID", "ordo-tick");
                run.environment().put("TICK_CLIENT_SECRET", "s3cret");
                Process process = run.start();
                String output = new String(process.getInputStream().readAllBytes());
                assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the script ends");
                assertEquals(0, process.exitValue(), output);
                return Files.exists(calls) ? Files.readAllLines(calls) : List.of();
            } finally {
                try (Stream<Path> files = Files.walk(dir)) {
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                }
            }
        }

        private static void stub(Path dir, String name, String body) throws IOException {
            Path file = dir.resolve(name);
            Files.writeString(file, "#!/bin/sh\n" + body + "\n");
            assertTrue(file.toFile().setExecutable(true));
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Container images

    @ParameterizedTest
    @ValueSource(strings = { "Dockerfile.jvm", "Dockerfile.native", "Dockerfile.native-micro" })
    void dockerfileRunsAsNonRootAndExposes8080(String name) throws IOException {
        Path dockerfile = DOCKER_DIR.resolve(name);
        assertTrue(Files.isRegularFile(dockerfile), dockerfile + " missing");
        List<String> instructions = dockerInstructions(dockerfile);

        assertTrue(instructions.stream().anyMatch(i -> i.startsWith("FROM ")), name + " has no FROM");
        assertTrue(instructions.contains("EXPOSE 8080"), name + " must EXPOSE 8080");
        String lastUser = instructions.stream().filter(i -> i.startsWith("USER ")).reduce((a, b) -> b)
                .orElseGet(() -> fail(name + " has no USER instruction"));
        String user = lastUser.substring("USER ".length()).split(":")[0].trim();
        assertTrue(user.matches("\\d+") && Integer.parseInt(user) != 0,
                name + " must end with a numeric non-root USER (runAsNonRoot needs a numeric UID), was " + lastUser);
        assertTrue(Files.readString(dockerfile).contains("docker build -f src/main/docker/" + name),
                name + " should say how to build it");
    }

    @Test
    void jvmDockerfileUsesTheFastJarLayoutAndBoundsTheHeap() throws IOException {
        String dockerfile = Files.readString(DOCKER_DIR.resolve("Dockerfile.jvm"));
        for (String layer : List.of("target/quarkus-app/lib/", "target/quarkus-app/*.jar", "target/quarkus-app/app/",
                "target/quarkus-app/quarkus/")) {
            assertTrue(dockerfile.contains(layer), "Dockerfile.jvm copies " + layer);
        }
        assertTrue(dockerfile.contains("quarkus-run.jar"), "runs quarkus-run.jar");
        assertTrue(dockerfile.contains("-Dquarkus.http.host=0.0.0.0"), "listens on all interfaces");
        assertTrue(dockerfile.matches("(?s).*(-Xmx\\d+|-XX:MaxRAMPercentage=).*"), "bounds the heap");
        // the AOT cache is written in the image by the image's own JVM (a cache only works with the JVM that made it)
        List<String> instructions = dockerInstructions(DOCKER_DIR.resolve("Dockerfile.jvm"));
        assertTrue(instructions.stream().anyMatch(i -> i.startsWith("FROM ") && i.contains(":25")), "JDK 25 base image");
        assertTrue(instructions.stream().anyMatch(i -> i.startsWith("RUN ") && i.contains("-XX:AOTCacheOutput=")
                && i.contains("-Dquarkus.appcds.generate=true")), "writes the AOT cache in the image");
        assertTrue(instructions.stream().anyMatch(i -> i.startsWith("ENTRYPOINT ") && i.contains("-XX:AOTCache=")
                && i.contains("exec java")), "starts with the AOT cache, the JVM as the signal receiver");
    }

    @Test
    void dockerignoreLetsOnlyBuildOutputIntoTheContext() throws IOException {
        Path dockerignore = PROJECT_DIR.resolve(".dockerignore");
        assertTrue(Files.isRegularFile(dockerignore), ".dockerignore missing");
        List<String> rules = Files.readAllLines(dockerignore).stream().map(String::trim)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        assertEquals("*", rules.get(0), ".dockerignore must exclude everything first");
        assertTrue(rules.contains("!target/quarkus-app/*"), ".dockerignore must let the fast-jar in");
        assertTrue(rules.contains("!target/*-runner"), ".dockerignore must let the native executable in");
        rules.stream().skip(1).forEach(rule -> assertTrue(rule.startsWith("!target/"), "unexpected rule " + rule));
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Shared assertions

    private static void assertHttpProbe(JsonNode container, String probeName, String expectedPath) {
        JsonNode httpGet = container.path(probeName).path("httpGet");
        assertFalse(httpGet.isMissingNode(), probeName + " must be an httpGet probe");
        assertEquals(expectedPath, httpGet.path("path").asText(), probeName + " path");
        JsonNode port = httpGet.path("port");
        Integer resolved = port.isMissingNode() ? Integer.valueOf(HTTP_PORT) // Knative defaults to the serving port
                : port.isInt() ? Integer.valueOf(port.asInt()) : containerPort(container, port.asText());
        assertEquals(Integer.valueOf(HTTP_PORT), resolved, probeName + " port " + port);
    }

    private static void assertResources(Manifest workload, JsonNode container) {
        JsonNode resources = container.path("resources");
        assertTrue(resources.path("requests").has("cpu"), workload + " requests.cpu");
        assertTrue(resources.path("requests").has("memory"), workload + " requests.memory");
        assertTrue(resources.path("limits").has("memory"), workload + " limits.memory");
        assertTrue(mebibytes(resources.path("limits").path("memory").asText())
                >= mebibytes(resources.path("requests").path("memory").asText()), workload + " memory limit >= request");
    }

    private static void assertHardenedContainer(Manifest workload, JsonNode container, JsonNode podSpec) {
        JsonNode security = container.path("securityContext");
        boolean nonRoot = security.path("runAsNonRoot").asBoolean(false)
                || podSpec.path("securityContext").path("runAsNonRoot").asBoolean(false);
        assertTrue(nonRoot, workload + " runAsNonRoot");
        assertTrue(security.path("readOnlyRootFilesystem").asBoolean(false), workload + " readOnlyRootFilesystem");
        assertFalse(security.path("allowPrivilegeEscalation").asBoolean(true), workload + " allowPrivilegeEscalation");
        assertTrue(textValues(security.path("capabilities").path("drop")).contains("ALL"), workload + " drops ALL");
        assertFalse(security.path("privileged").asBoolean(false), workload + " privileged");
    }

    private static void assertTmpIsWritable(Manifest workload, JsonNode container, JsonNode podSpec) {
        String volumeName = null;
        for (JsonNode mount : container.path("volumeMounts")) {
            if (mount.path("mountPath").asText().equals("/tmp")) {
                volumeName = mount.path("name").asText();
            }
        }
        assertNotNull(volumeName, workload + " mounts a volume at /tmp (read-only root filesystem)");
        for (JsonNode volume : podSpec.path("volumes")) {
            if (volume.path("name").asText().equals(volumeName)) {
                assertTrue(volume.has("emptyDir"), workload + " /tmp volume is an emptyDir");
                return;
            }
        }
        fail(workload + " has no volume named " + volumeName);
    }

    private static void assertPrometheusAnnotations(Manifest workload) {
        JsonNode annotations = workload.doc().path("spec").path("template").path("metadata").path("annotations");
        assertEquals("true", annotations.path("prometheus.io/scrape").asText(), workload + " prometheus.io/scrape");
        assertEquals("/q/metrics", annotations.path("prometheus.io/path").asText(), workload + " prometheus.io/path");
        assertEquals(String.valueOf(HTTP_PORT), annotations.path("prometheus.io/port").asText(),
                workload + " prometheus.io/port");
    }

    private static void assertLabelsSelect(Map<String, String> selector, Map<String, String> labels, String what) {
        assertFalse(selector.isEmpty(), what + " is empty");
        selector.forEach((key, value) -> assertEquals(value, labels.get(key),
                what + " " + key + "=" + value + " does not match pod labels " + labels));
    }

    private static void assertPositiveInteger(JsonNode annotations, String key) {
        String value = annotations.path(key).asText("");
        assertTrue(value.matches("\\d+") && Integer.parseInt(value) > 0, key + " should be a positive integer: " + value);
    }

    private static void assertNoProblems(List<String> problems) {
        assertTrue(problems.isEmpty(), () -> String.join("\n", problems));
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Lookup helpers

    /** The pods that run Ordo: the API's Deployment, the worker's (keda/) and the Knative Service. */
    private static List<Manifest> workloads() {
        List<Manifest> workloads = manifests.stream()
                .filter(m -> m.is("apps/v1", "Deployment") || m.is(KNATIVE_API_VERSION, "Service"))
                .toList();
        assertEquals(3, workloads.size(), "expected the API and worker Deployments and one Knative Service: "
                + workloads);
        return workloads;
    }

    /** Everything that runs a pod: the workloads and the CronJobs. */
    private static List<Manifest> podOwners() {
        List<Manifest> owners = new ArrayList<>(workloads());
        owners.addAll(cronJobs());
        return owners;
    }

    private static List<Manifest> cronJobs() {
        return manifests.stream().filter(m -> m.is("batch/v1", "CronJob")).toList();
    }

    /** The pod spec of a workload, or of a CronJob's job. */
    private static JsonNode podSpec(Manifest owner) {
        JsonNode spec = owner.doc().path("spec");
        return owner.kind().equals("CronJob") ? spec.path("jobTemplate").path("spec").path("template").path("spec")
                : spec.path("template").path("spec");
    }

    private static Manifest findOne(String apiVersion, String kind) {
        List<Manifest> found = manifests.stream().filter(m -> m.is(apiVersion, kind)).toList();
        assertEquals(1, found.size(), "expected exactly one " + apiVersion + " " + kind + ": " + found);
        return found.get(0);
    }

    private static Manifest findByName(String apiVersion, String kind, String name) {
        return manifests.stream().filter(m -> m.is(apiVersion, kind) && m.name().equals(name)).findFirst()
                .orElseGet(() -> fail("no " + kind + " named " + name));
    }

    private static List<JsonNode> containers(Manifest workload) {
        List<JsonNode> containers = new ArrayList<>();
        podSpec(workload).path("containers").forEach(containers::add);
        return containers;
    }

    private static JsonNode mainContainer(Manifest workload) {
        List<JsonNode> containers = containers(workload);
        assertEquals(1, containers.size(), workload + " should run exactly one container");
        return containers.get(0);
    }

    private static Map<String, String> templateLabels(Manifest workload) {
        return stringMap(workload.doc().path("spec").path("template").path("metadata").path("labels"));
    }

    /** The containerPort of the port with this name, or null. */
    private static Integer containerPort(JsonNode container, String portName) {
        for (JsonNode port : container.path("ports")) {
            if (port.path("name").asText().equals(portName)) {
                return port.path("containerPort").asInt();
            }
        }
        return null;
    }

    private static int preStopSleepSeconds(JsonNode container) {
        JsonNode preStop = container.path("lifecycle").path("preStop");
        if (preStop.has("sleep")) {
            return preStop.path("sleep").path("seconds").asInt();
        }
        List<String> command = textValues(preStop.path("exec").path("command"));
        return command.size() == 2 && command.get(0).equals("sleep") ? Integer.parseInt(command.get(1)) : 0;
    }

    /** Files (not directories) a kustomization pulls in, following referenced kustomization directories. */
    private static Set<Path> resourceFiles(Path kustomization) {
        Set<Path> files = new LinkedHashSet<>();
        for (String resource : textValues(readSingleDocument(kustomization).path("resources"))) {
            Path target = kustomization.getParent().resolve(resource).normalize();
            if (Files.isRegularFile(target.resolve(KUSTOMIZATION_FILE))) {
                files.addAll(resourceFiles(target.resolve(KUSTOMIZATION_FILE)));
            } else {
                files.add(target);
            }
        }
        return files;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Parsing helpers

    private static boolean isKustomization(Path file) {
        return file.getFileName().toString().equals(KUSTOMIZATION_FILE);
    }

    private static List<JsonNode> readDocuments(Path file) {
        try (var documents = YAML.readerFor(JsonNode.class).<JsonNode> readValues(file.toFile())) {
            List<JsonNode> result = new ArrayList<>();
            while (documents.hasNextValue()) {
                JsonNode doc = documents.nextValue();
                if (doc != null && !doc.isNull() && !doc.isMissingNode() && !doc.isEmpty()) {
                    result.add(doc);
                }
            }
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot parse " + file, e);
        }
    }

    private static JsonNode readSingleDocument(Path file) {
        List<JsonNode> documents = readDocuments(file);
        assertEquals(1, documents.size(), file + " should hold one YAML document");
        return documents.get(0);
    }

    private static List<String> textValues(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(node -> values.add(node.asText()));
        return values;
    }

    private static Map<String, JsonNode> fields(JsonNode object) {
        Map<String, JsonNode> fields = new TreeMap<>();
        object.properties().forEach(e -> fields.put(e.getKey(), e.getValue()));
        return fields;
    }

    private static Map<String, String> stringMap(JsonNode object) {
        Map<String, String> map = new TreeMap<>();
        fields(object).forEach((key, value) -> map.put(key, value.asText()));
        return map;
    }

    /** Dockerfile instructions with comments dropped and continuation lines joined. */
    private static List<String> dockerInstructions(Path dockerfile) throws IOException {
        List<String> instructions = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : Files.readAllLines(dockerfile)) {
            String trimmed = line.trim();
            if (trimmed.startsWith("#") || trimmed.isEmpty()) {
                continue;
            }
            if (trimmed.endsWith("\\")) {
                current.append(trimmed, 0, trimmed.length() - 1).append(' ');
                continue;
            }
            current.append(trimmed);
            instructions.add(current.toString().replaceAll("\\s+", " "));
            current.setLength(0);
        }
        return instructions;
    }

    private static long mebibytes(String quantity) {
        var matcher = Pattern.compile("(\\d+)(Mi|Gi|M|G)?").matcher(quantity);
        assertTrue(matcher.matches(), "unsupported memory quantity " + quantity);
        long value = Long.parseLong(matcher.group(1));
        String unit = Optional.ofNullable(matcher.group(2)).orElse("");
        return switch (unit) {
            case "Gi", "G" -> value * 1024;
            case "Mi", "M" -> value;
            default -> value / (1024 * 1024);
        };
    }

    private static boolean commandAvailable(String command) {
        String path = System.getenv().getOrDefault("PATH", "");
        return Stream.of(path.split(java.io.File.pathSeparator))
                .anyMatch(dir -> !dir.isEmpty() && Files.isExecutable(Path.of(dir, command)));
    }
}
