package org.prov4ml.internal.cli;

import org.prov4ml.internal.config.Prov4mlVersion;
import picocli.CommandLine.IVersionProvider;

/** {@code --version}: the version the build filtered into prov4ml's resources. */
public final class CliVersion implements IVersionProvider {
  @Override
  public String[] getVersion() {
    return new String[] {"prov4ml " + Prov4mlVersion.get()};
  }
}
