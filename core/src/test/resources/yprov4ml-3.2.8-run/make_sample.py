# Writes a small yProv4ML 3.2.8 run: params, metrics in two contexts (NaN and infinity included),
# an artifact, a model version of a tiny torch model.
import math, os, sys, types, torch
# yprov4ml 3.2.8's prov2card (model cards, only for end_run(create_card=True)) is Python 3.12 syntax;
# this machine's Python is 3.11, so that one module is left out. Everything that writes the run is yProv4ML's.
sys.modules["yprov4ml.prov2card"] = types.SimpleNamespace(convert=None)
import yprov4ml

yprov4ml.start_run(experiment_name="yexp", provenance_save_dir="prov", save_after_n_logs=100, rank=0)
yprov4ml.log_param("lr", 0.01)
yprov4ml.log_param("batch_size", 32)
yprov4ml.log_param("optimizer", "sgd")
for step in range(5):
    yprov4ml.log_metric("loss", 1.0 / (step + 1), context="TRAINING", step=step)
yprov4ml.log_metric("acc", 0.5, context="VALIDATION", step=0)
yprov4ml.log_metric("acc", float("nan"), context="VALIDATION", step=1)
yprov4ml.log_metric("acc", float("inf"), context="VALIDATION", step=2)
with open("notes.txt", "w") as f:
    f.write("hello")
yprov4ml.log_artifact("notes", "notes.txt", context="TRAINING")
model = torch.nn.Linear(2, 1)
yprov4ml.save_model_version("linear", model, context="TRAINING", step=0)
yprov4ml.save_model_version("linear", model, context="TRAINING", step=1)
yprov4ml.end_run()
