package org.prov4ml.internal.inputs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class SecretMaskingTest {

  @Test
  void masksValuesWhoseNamesSaySecretAndUrlCredentials() {
    List<String> command = List.of("/usr/bin/java", "-Xmx512m", "-Ddb.password=hunter2", "-DAPI_KEY=abc",
        "-Dai.djl.offline=true", "-Dtracking=https://alice:s3cret@mlflow.example/x?token=t0k&page=2",
        "-javaagent:prov4ml.jar=config=/etc/keys/p.properties", "-jar", "app.jar", "--epochs", "3",
        "--hf-token", "xyz", "--secret-file=/run/s", "model.key=k", "--api-key", "--verbose");
    assertEquals(List.of("/usr/bin/java", "-Xmx512m", "-Ddb.password=****", "-DAPI_KEY=****",
        "-Dai.djl.offline=true", "-Dtracking=https://mlflow.example/x?token=****&page=2",
        "-javaagent:prov4ml.jar=config=/etc/keys/p.properties", "-jar", "app.jar", "--epochs", "3",
        "--hf-token", "****", "--secret-file=****", "model.key=****", "--api-key", "--verbose"),
        SecretMasking.command(command));
  }

  @Test
  void valuesOfSecretNamesAreMaskedOthersLoseUrlCredentialsOnly() {
    assertEquals("****", SecretMasking.value("ai.djl.repository.token", "abc"));
    assertEquals("https://host/repo", SecretMasking.value("ai.djl.repository.zoo.location",
        "https://u:p@host/repo"));
    assertEquals("git@github.com:org/repo.git", SecretMasking.withoutCredentials("git@github.com:org/repo.git"));
  }

  @Test
  void aCommandLineIsQuotedForAShell() {
    assertEquals("java -cp 'lib/*:classes' Main 'two words' 'it'\\''s'",
        ExecutionCommand.join(List.of("java", "-cp", "lib/*:classes", "Main", "two words", "it's")));
  }
}
