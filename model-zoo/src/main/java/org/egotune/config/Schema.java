package org.egotune.config;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The fields of one config section (a record), in component order, each a {@link Param}; builds
 * the record from its defaults ({@link #builder()}) or from another instance ({@link #builder(Record)}).
 * A record declares its schema once, as static fields:
 *
 * <pre>{@code
 * static final Schema<TrainConfig> SCHEMA = new Schema<>("train", TrainConfig.class);
 * public static final Param<Integer> STEPS = SCHEMA.param("steps", 300, Range.atLeast(1), "--steps", "optimizer steps per worker");
 * }</pre>
 */
public final class Schema<R extends Record> {
  private final String section;
  private final Class<R> type;
  private final List<Param<?>> params = new ArrayList<>();
  private Constructor<R> constructor;

  /** An empty schema of section {@code section} (the top-level job: "") for record {@code type}. */
  public Schema(String section, Class<R> type) {
    this.section = section;
    this.type = type;
  }

  /** Declares the next field (in record component order); {@code flag} "" if no flag sets it. */
  public synchronized <T> Param<T> param(String name, T defaultValue, Range<? super T> range, String flag,
      String doc) {
    if (constructor != null) {
      throw new IllegalStateException(section + ": fields are declared before the schema is used");
    }
    Param<T> p = new Param<>(section.isEmpty() ? name : section + "." + name, name, defaultValue, range, flag, doc);
    params.add(p);
    return p;
  }

  /** Section name: the YAML key of the section ("" for the top level). */
  public String section() {
    return section;
  }

  /** The fields, in record component order. */
  public List<Param<?>> params() {
    constructor();
    return Collections.unmodifiableList(params);
  }

  /** A builder holding every default. */
  public Builder<R> builder() {
    constructor();
    Object[] values = new Object[params.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = params.get(i).defaultValue();
    }
    return new Builder<>(this, values);
  }

  /** A builder holding the values of {@code from}. */
  public Builder<R> builder(R from) {
    RecordComponent[] rc = type.getRecordComponents();
    Object[] values = new Object[rc.length];
    try {
      for (int i = 0; i < rc.length; i++) {
        values[i] = rc[i].getAccessor().invoke(from);
      }
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
    return new Builder<>(this, values);
  }

  /** The canonical constructor, once the params are checked against the record's components. */
  private synchronized Constructor<R> constructor() {
    if (constructor == null) {
      RecordComponent[] rc = type.getRecordComponents();
      Class<?>[] types = new Class<?>[rc.length];
      for (int i = 0; i < rc.length; i++) {
        types[i] = rc[i].getType();
      }
      List<String> names = params.stream().map(Param::name).toList();
      List<String> components = java.util.Arrays.stream(rc).map(RecordComponent::getName).toList();
      if (!names.equals(components)) {
        throw new IllegalStateException(type.getSimpleName() + ": schema fields " + names
            + " must be the record components " + components + ", in order");
      }
      for (int i = 0; i < rc.length; i++) {
        Class<?> t = types[i].isPrimitive()
            ? java.lang.invoke.MethodType.methodType(types[i]).wrap().returnType() : types[i];
        if (!t.isInstance(params.get(i).defaultValue())) {
          throw new IllegalStateException(params.get(i).key() + ": default " + params.get(i).defaultValue()
              + " is not a " + types[i].getSimpleName());
        }
      }
      try {
        constructor = type.getDeclaredConstructor(types);
      } catch (NoSuchMethodException e) {
        throw new IllegalStateException(e);
      }
    }
    return constructor;
  }

  private R create(Object[] values) {
    try {
      return constructor().newInstance(values);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException(e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Sets fields of a section by their {@link Param}; {@link #build()} validates, as the record does. */
  public static final class Builder<R extends Record> {
    private final Schema<R> schema;
    private final Object[] values;

    private Builder(Schema<R> schema, Object[] values) {
      this.schema = schema;
      this.values = values;
    }

    /** Sets {@code p} to {@code value} (null: its default). */
    public <T> Builder<R> set(Param<T> p, T value) {
      int i = schema.params.indexOf(p);
      if (i < 0) {
        throw new IllegalArgumentException(p.key() + " is not a field of " + schema.type.getSimpleName());
      }
      values[i] = value == null ? p.defaultValue() : value;
      return this;
    }

    /** The record; throws naming the key and value of an invalid field. */
    public R build() {
      return schema.create(values.clone());
    }
  }
}
