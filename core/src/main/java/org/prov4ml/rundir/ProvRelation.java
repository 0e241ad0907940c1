package org.prov4ml.rundir;

import static org.prov4ml.internal.format.ProvVocabulary.ACTIVITY;
import static org.prov4ml.internal.format.ProvVocabulary.AGENT;
import static org.prov4ml.internal.format.ProvVocabulary.ALTERNATE1;
import static org.prov4ml.internal.format.ProvVocabulary.ALTERNATE2;
import static org.prov4ml.internal.format.ProvVocabulary.COLLECTION;
import static org.prov4ml.internal.format.ProvVocabulary.DELEGATE;
import static org.prov4ml.internal.format.ProvVocabulary.ENTITY;
import static org.prov4ml.internal.format.ProvVocabulary.GENERAL_ENTITY;
import static org.prov4ml.internal.format.ProvVocabulary.GENERATED_ENTITY;
import static org.prov4ml.internal.format.ProvVocabulary.INFLUENCEE;
import static org.prov4ml.internal.format.ProvVocabulary.INFLUENCER;
import static org.prov4ml.internal.format.ProvVocabulary.INFORMANT;
import static org.prov4ml.internal.format.ProvVocabulary.INFORMED;
import static org.prov4ml.internal.format.ProvVocabulary.RESPONSIBLE;
import static org.prov4ml.internal.format.ProvVocabulary.SPECIFIC_ENTITY;
import static org.prov4ml.internal.format.ProvVocabulary.TRIGGER;
import static org.prov4ml.internal.format.ProvVocabulary.USED_ENTITY;

import java.util.Map;

/**
 * One relation of a rank's PROV document, such as {@code wasGeneratedBy} (the entity {@code from} was generated
 * by the activity {@code to}) or {@code wasDerivedFrom} (the entity {@code from} derives from the entity
 * {@code to}): its kind and the two records it relates, the first (the subject, e.g. {@code prov:entity} of
 * {@code wasGeneratedBy}) and the second (its object), as PROV-JSON orders a relation's roles.
 *
 * @param kind the relation's PROV-JSON name: {@code wasGeneratedBy}, {@code used}, {@code wasDerivedFrom},
 *     {@code wasInformedBy}, {@code wasAssociatedWith}, ...
 * @param from the subject's id
 * @param to the object's id
 */
public record ProvRelation(String kind, String from, String to) {

  /** PROV-JSON's subject and object roles of each relation kind. */
  static final Map<String, String[]> ROLES = Map.ofEntries(
      Map.entry("wasGeneratedBy", new String[] {ENTITY, ACTIVITY}),
      Map.entry("used", new String[] {ACTIVITY, ENTITY}),
      Map.entry("wasInformedBy", new String[] {INFORMED, INFORMANT}),
      Map.entry("wasStartedBy", new String[] {ACTIVITY, TRIGGER}),
      Map.entry("wasEndedBy", new String[] {ACTIVITY, TRIGGER}),
      Map.entry("wasInvalidatedBy", new String[] {ENTITY, ACTIVITY}),
      Map.entry("wasDerivedFrom", new String[] {GENERATED_ENTITY, USED_ENTITY}),
      Map.entry("wasAttributedTo", new String[] {ENTITY, AGENT}),
      Map.entry("wasAssociatedWith", new String[] {ACTIVITY, AGENT}),
      Map.entry("actedOnBehalfOf", new String[] {DELEGATE, RESPONSIBLE}),
      Map.entry("wasInfluencedBy", new String[] {INFLUENCEE, INFLUENCER}),
      Map.entry("specializationOf", new String[] {SPECIFIC_ENTITY, GENERAL_ENTITY}),
      Map.entry("alternateOf", new String[] {ALTERNATE1, ALTERNATE2}),
      Map.entry("hadMember", new String[] {COLLECTION, ENTITY}));
}
