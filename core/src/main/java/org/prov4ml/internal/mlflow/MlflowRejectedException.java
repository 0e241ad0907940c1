package org.prov4ml.internal.mlflow;

import java.io.IOException;

/**
 * The server refused a request for good (a 4xx other than 429): sending it again changes nothing.
 * The message is the server's own, with any credential removed.
 */
final class MlflowRejectedException extends IOException {

  private final int status;
  private final String errorCode;
  private final String serverMessage;

  MlflowRejectedException(int status, String errorCode, String serverMessage) {
    super("HTTP " + status + " " + errorCode + ": " + serverMessage);
    this.status = status;
    this.errorCode = errorCode;
    this.serverMessage = serverMessage;
  }

  int status() {
    return status;
  }

  /** MLflow's {@code error_code}, e.g. {@code INVALID_PARAMETER_VALUE}. */
  String errorCode() {
    return errorCode;
  }

  String serverMessage() {
    return serverMessage;
  }

  /** A bad key or value: the rest of a batch can still be delivered without it. */
  boolean isInvalidValue() {
    return status == 400 && "INVALID_PARAMETER_VALUE".equals(errorCode);
  }
}
