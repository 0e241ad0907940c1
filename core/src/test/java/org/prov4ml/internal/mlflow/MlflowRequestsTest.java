package org.prov4ml.internal.mlflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.prov4ml.internal.mlflow.LogBatchRequest.KeyValue;
import org.prov4ml.internal.mlflow.LogBatchRequest.Metric;

/** The request-building pieces, without a server. */
class MlflowRequestsTest {

  @Test
  void artifactPathsAreNormalisedAndEscapesRefused() {
    assertEquals("a/b.txt", ArtifactPath.of("a/./x/../b.txt").toString());
    assertEquals("a/b.txt", ArtifactPath.of("a\\b.txt").toString());
    var up = assertThrows(IllegalArgumentException.class, () -> ArtifactPath.of("a/../../etc/passwd"));
    assertTrue(up.getMessage().contains("escapes the run's artifact folder"), up.getMessage());
    var absolute = assertThrows(IllegalArgumentException.class, () -> ArtifactPath.of("/etc/passwd"));
    assertTrue(absolute.getMessage().contains("is absolute"), absolute.getMessage());
  }

  @Test
  void batchesStopAtTheServersLimits() {
    LogBatchRequest batch = new LogBatchRequest();
    while (batch.canAddMetric()) {
      batch.add(new Metric("training/loss", 1, 2, 3));
    }
    assertEquals(1000, batch.metrics().size());
    assertFalse(batch.canAddParam(new KeyValue("p", "v")), "1000 entities in all");

    LogBatchRequest params = new LogBatchRequest();
    while (params.canAddParam(new KeyValue("p", "v"))) {
      params.addParam(new KeyValue("p", "v"));
    }
    assertEquals(100, params.params().size());
    KeyValue big = new KeyValue("t", "x".repeat(8000));
    LogBatchRequest tags = new LogBatchRequest();
    while (tags.canAddTag(big)) {
      tags.addTag(big);
    }
    assertTrue(tags.toJson("r").length < 1_000_000, "under the server's 1 MB body limit");
  }

  @Test
  void nonFiniteValuesAreWrittenAsProtobufJsonStrings() throws Exception {
    LogBatchRequest batch = new LogBatchRequest();
    batch.add(new Metric("m", Double.NaN, 5, 1));
    batch.add(new Metric("m", Double.POSITIVE_INFINITY, 6, 2));
    JsonNode json = new ObjectMapper().readTree(batch.toJson("run-1"));
    assertEquals("run-1", json.path("run_id").asText());
    assertEquals("\"NaN\"", json.path("metrics").get(0).path("value").toString());
    assertEquals("\"Infinity\"", json.path("metrics").get(1).path("value").toString());
    assertEquals(6, json.path("metrics").get(1).path("timestamp").asLong());
  }

  @Test
  void credentialsComeFromMlflowsVariablesAndAreNeverPrinted() {
    MlflowSettings basic = MlflowTestRuns.syncSettings("http://alice:pw-from-uri@127.0.0.1:1/prefix/",
        Map.of());
    assertEquals("http://127.0.0.1:1/prefix", basic.trackingUri().toString(), "no user-info kept");
    assertEquals("basic auth as alice", basic.credentials().toString());
    assertEquals("failed: *** and ***", basic.credentials().redact("failed: pw-from-uri and "
        + java.util.Base64.getEncoder().encodeToString("alice:pw-from-uri".getBytes())));

    MlflowSettings token = MlflowTestRuns.syncSettings("https://mlflow.example:8443",
        Map.of("MLFLOW_TRACKING_TOKEN", "tok-123", "MLFLOW_TRACKING_USERNAME", "bob",
            "MLFLOW_TRACKING_PASSWORD", "pw-456", "MLFLOW_TRACKING_INSECURE_TLS", "true"));
    assertEquals("bearer token", token.credentials().toString());
    assertTrue(token.credentials().insecureTls());
    assertEquals("*** ***", token.credentials().redact("tok-123 pw-456"));

    var unsupported = assertThrows(IllegalArgumentException.class,
        () -> MlflowTestRuns.syncSettings("databricks://user:secret@profile", Map.of()));
    assertFalse(unsupported.getMessage().contains("secret"), unsupported.getMessage());
    assertTrue(unsupported.getMessage().contains("http:// or https://"), unsupported.getMessage());
  }
}
