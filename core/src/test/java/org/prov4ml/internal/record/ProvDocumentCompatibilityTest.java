package org.prov4ml.internal.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.ArrayDataset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prov4ml.Context;
import org.prov4ml.Prov4ml;
import org.prov4ml.Run;
import org.prov4ml.RunOptions;
import org.prov4ml.testing.LocalFilesDataset;
import org.prov4ml.testing.PythonEnv;

/**
 * Our document read by readers nobody here wrote: the W3C {@code prov} package must parse it and
 * round-trip it with the same records, and yProv4ML's own {@code getters} must list its params
 * and list and read its metrics.
 */
class ProvDocumentCompatibilityTest {

  @TempDir Path out;

  private Run recordSampleRun() throws Exception {
    // A run before it made the CSV file the sample run reads as a data set: the sample run links to it.
    Path csv = Files.writeString(out.resolve("train.csv"), "x,y\n1,2\n");
    try (Run prep = Prov4ml.startRun(RunOptions.builder().experimentName("prep").outputDir(out).build())) {
      prep.logArtifact(csv);
    }
    Run run = Prov4ml.startRun(RunOptions.builder().experimentName("compat").outputDir(out)
        .tag("team", "ml").build());
    run.logParam("lr", 0.01);
    run.logParam("epochs", 3);
    for (int i = 0; i < 3; i++) {
      run.logMetric("loss", 1.0 / (i + 1), Context.TRAINING);
      run.logMetric("val_loss", 2.0 / (i + 1), Context.VALIDATION);
    }
    run.logMetric("loss", Double.POSITIVE_INFINITY, Context.TESTING, 0);
    run.logMetric("loss", Double.NaN, Context.TESTING, 1);
    Path notes = Files.writeString(out.resolve("notes.txt"), "notes");
    run.logArtifact(notes, Context.TRAINING);
    // What the run used: a data set with its stats and its file, the code, the environment, the BOM.
    try (NDManager manager = NDManager.newBaseManager()) {
      run.logDataset("train_dataset", new ArrayDataset.Builder().setData(manager.ones(new Shape(10, 2)))
          .setSampling(5, true).build(), Context.TRAINING);
    }
    run.logDataset("csv_dataset", new LocalFilesDataset(csv), Context.VALIDATION);
    run.logExecutionCommand();
    run.logSourceCode(true);
    run.logEnvironment();
    run.logBillOfMaterials();
    run.close();
    return run;
  }

  @Test
  void provPackageParsesAndRoundTripsTheDocument() throws Exception {
    Run run = recordSampleRun();
    String script = String.join("\n",
        "import json, sys",
        "from prov.model import ProvDocument",
        "text = open(sys.argv[1]).read()",
        "doc = ProvDocument.deserialize(content=text, format='json')",
        "again = ProvDocument.deserialize(content=doc.serialize(format='json'), format='json')",
        "assert doc == again, 'round trip changed the document'",
        "raw = json.loads(text)",
        "other = [k for k, e in raw['entity'].items() if e.get('prov:type') == 'yprov:OtherRunEntity']",
        "assert len(other) == 1, other",
        "assert any(r['prov:generatedEntity'] == 'csv_dataset//VALIDATION' and r['prov:usedEntity'] == other[0]",
        "           for r in raw['wasDerivedFrom'].values()), 'the data set is derived from the other run\\'s file'",
        "sections = ['agent','activity','entity','wasGeneratedBy','used','wasInformedBy','wasAssociatedWith',"
            + "'wasDerivedFrom']",
        "print(json.dumps({'records': len(list(doc.get_records())),",
        "                  'raw': sum(len(raw.get(s, {})) for s in sections),",
        "                  'unified': len(list(doc.unified().get_records()))}))");
    JsonNode counts = readWithPython(script, run, "prov");
    assertEquals(counts.get("raw").asInt(), counts.get("records").asInt(), counts.toString());
    assertEquals(counts.get("raw").asInt(), counts.get("unified").asInt(), "no record ids collide");
  }

  /**
   * The other W3C serialisations, by the {@code prov} package (its {@code prov-convert}): PROV-XML that
   * reads back to the same document, PROV-N, and Turtle that {@code rdflib} parses. prov4ml has no
   * {@code export} of its own: docs/design.md says why ProvToolbox was not taken for one.
   */
  @Test
  void provPackageConvertsTheDocumentToProvXmlProvNAndTurtle() throws Exception {
    Run run = recordSampleRun();
    String script = String.join("\n",
        "import json, sys, rdflib",
        "from prov.model import ProvDocument",
        "doc = ProvDocument.deserialize(source=sys.argv[1], format='json')",
        "xml = doc.serialize(format='xml')",
        "back = ProvDocument.deserialize(content=xml, format='xml')",
        "assert back == doc, 'PROV-XML does not read back to the same document'",
        "provn = doc.serialize(format='provn')",
        "graph = rdflib.Graph()",
        "graph.parse(data=doc.serialize(format='rdf', rdf_format='ttl'), format='turtle')",
        "used = rdflib.URIRef('http://www.w3.org/ns/prov#used')",
        "print(json.dumps({'records': len(list(doc.get_records())), 'provn': provn.startswith('document'),",
        "                  'triples': len(graph), 'used': len(list(graph.triples((None, used, None))))}))");
    JsonNode r = readWithPython(script, run, "prov conversions");
    assertTrue(r.get("provn").asBoolean(), r.toString());
    assertTrue(r.get("triples").asInt() > r.get("records").asInt(), r.toString());
    assertTrue(r.get("used").asInt() >= 3, "the contexts' and the run's use of data sets and code: " + r);
  }

  @Test
  void yprov4mlGettersReadParamsAndMetrics() throws Exception {
    Run run = recordSampleRun();
    String script = String.join("\n",
        "import importlib.util, json, os, sys",
        "# Load yprov4ml/utils/getters.py by path: importing the package would import torch.",
        "root = importlib.util.find_spec('yprov4ml').submodule_search_locations[0]",
        "spec = importlib.util.spec_from_file_location('getters', os.path.join(root, 'utils', 'getters.py'))",
        "g = importlib.util.module_from_spec(spec); spec.loader.exec_module(g)",
        "p = sys.argv[1]",
        "params = {g.get_parameter(p, e, 'label'): g.get_parameter(p, e, 'value')",
        "          for e in g.list_entities(p, 'provml:HyperParameter')}",
        "metrics = g.list_metrics(p)",
        "loss = g.get_metric(p, 'loss', 'TRAINING')",
        "val = g.get_metric(p, 'val_loss', 'VALIDATION')",
        "datasets = sorted(g.list_entities(p, 'provml:Dataset'))",
        "samples = g.get_parameter(p, 'train_dataset//TRAINING', 'train_dataset_stat_total_samples')",
        "csv_digest = g.get_parameter(p, 'csv_dataset//VALIDATION', 'sha256')",
        "other = g.list_entities(p, 'yprov:OtherRunEntity')",
        "other_digest = g.get_parameter(p, other[0], 'sha256') if len(other) == 1 else None",
        "test = g.get_metric(p, 'loss', 'TESTING')",
        "print(json.dumps({'params': params,",
        "  'metrics': sorted(metrics['label'] + '@' + metrics['context']),",
        "  'loss_steps': loss['epoch'].tolist(), 'loss_values': loss['value'].tolist(),",
        "  'val_values': val['value'].tolist(), 'test_values': [str(v) for v in test['value'].tolist()],",
        "  'paths': len(g.list_metric_paths(p, file_type='csv')),",
        "  'datasets': datasets, 'samples': samples, 'csv_digest': csv_digest, 'other_digest': other_digest}))");
    JsonNode read = readWithPython(script, run, "getters");
    Map<?, ?> params = new ObjectMapper().convertValue(read.get("params"), Map.class);
    assertEquals("0.01", params.get("lr"));
    assertEquals("3", params.get("epochs"));
    assertEquals("PyTorch", params.get("djl_engine"));
    assertTrue(params.containsKey("execution_command") && params.containsKey("source_code"), params.toString());
    assertEquals("[\"csv_dataset//VALIDATION\",\"train_dataset//TRAINING\"]", read.get("datasets").toString());
    assertEquals("10", read.get("samples").asText());
    // sha256sum of a file holding "x,y\n1,2\n"
    assertEquals("81bf9fa83c6f7f151bd491a98cd7d933de3965289e3ebd77c6c425f7eaa16392", read.get("csv_digest").asText());
    assertEquals(read.get("csv_digest").asText(), read.get("other_digest").asText(), "the run that made the CSV file");
    assertEquals("[\"loss@TESTING\",\"loss@TRAINING\",\"val_loss@VALIDATION\"]", read.get("metrics").toString());
    assertEquals("[0,1,2]", read.get("loss_steps").toString());
    assertEquals("[1.0,0.5,0.3333333333333333]", read.get("loss_values").toString());
    assertEquals("[2.0,1.0,0.6666666666666666]", read.get("val_values").toString());
    assertEquals("[\"inf\",\"nan\"]", read.get("test_values").toString());
    assertEquals(3, read.get("paths").asInt());
  }

  /** Runs a Python script on the run's PROV document and parses the JSON it prints. */
  private static JsonNode readWithPython(String script, Run run, String what) throws Exception {
    var result = PythonEnv.runScript(script, 120, run.provenanceFile().toString()).requireSuccess(what);
    return new ObjectMapper().readTree(result.stdout());
  }
}
