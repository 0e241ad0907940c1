package org.prov4ml.internal.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Properties;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.tinylog.configuration.Configuration;
import org.tinylog.configuration.ConfigurationLoader;
import org.tinylog.configuration.PropertiesConfigurationLoader;

class PrivateLogConfigurationTest {

  @Test
  void prov4mlsOwnSettingsOneLineAMessage() {
    Properties settings = new PrivateLogConfiguration().load();
    assertEquals("console", settings.getProperty("writer"));
    assertEquals("info", settings.getProperty("writer.level"));
    assertEquals("{level}: {message}", settings.getProperty("writer.format"));
    assertEquals("false", settings.getProperty("autoshutdown"), "the end line is logged from a shutdown hook");
    assertNull(settings.getProperty("writer.stream"), "INFO on stdout, warnings and errors on stderr");
  }

  @Test
  void theOnlyConfigurationLoaderSoNoTinylogPropertiesFileIsRead() {
    // tinylog's own PropertiesConfigurationLoader (which reads tinylog.properties) is used only when no other
    // loader is registered; of the others it uses the first and warns of the rest.
    List<Class<?>> loaders = ServiceLoader.load(ConfigurationLoader.class).stream()
        .map(ServiceLoader.Provider::type).<Class<?>>map(t -> t)
        .filter(t -> !t.equals(PropertiesConfigurationLoader.class)).toList();
    assertEquals(List.of(PrivateLogConfiguration.class), loaders);
    assertEquals("{level}: {message}", Configuration.get("writer.format"));
  }
}
