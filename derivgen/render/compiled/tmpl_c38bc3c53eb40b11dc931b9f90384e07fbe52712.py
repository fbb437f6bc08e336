from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'matrix.j2'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_format = resolve('format')
    l_0_lang = resolve('lang')
    l_0_doc = resolve('doc')
    l_0_name = resolve('name')
    l_0_profile = resolve('profile')
    l_0_fmt = l_0_t = l_0_arch = l_0_lines = missing
    pass
    l_0_fmt = context.vars['fmt'] = environment.get_template(str_join(((undefined(name='format') if l_0_format is missing else l_0_format), '.j2', )), 'matrix.j2')._get_default_module(context)
    context.exported_vars.discard('fmt')
    l_0_t = context.vars['t'] = environment.get_template(str_join(((undefined(name='lang') if l_0_lang is missing else l_0_lang), '.j2', )), 'matrix.j2').make_module(context.get_all(), True, {'arch': l_0_arch, 'fmt': l_0_fmt, 'lines': l_0_lines, 't': l_0_t})
    context.exported_vars.discard('t')
    l_0_arch = environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'architecture')
    context.vars['arch'] = l_0_arch
    context.exported_vars.add('arch')
    yield str(context.call(environment.getattr((undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), 'begin'), context.call(environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'title'), context.call(environment.getattr((undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), 'plain'), (undefined(name='name') if l_0_name is missing else l_0_name))), (undefined(name='lang') if l_0_lang is missing else l_0_lang)))
    yield '\n'
    yield str(context.call(environment.getattr((undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), 'para'), context.call(environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'm_intro'), context.call(environment.getattr((undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), 'name'), (undefined(name='name') if l_0_name is missing else l_0_name)), (undefined(name='arch') if l_0_arch is missing else l_0_arch))))
    yield '\n'
    yield str(context.call(environment.getattr((undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), 'heading'), 1, context.call(environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'h_architecture'))))
    yield '\n'
    yield str(context.call(environment.getattr((undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), 'para'), context.call(environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'm_shapes'), (undefined(name='arch') if l_0_arch is missing else l_0_arch))))
    yield '\n'
    l_0_lines = []
    context.vars['lines'] = l_0_lines
    context.exported_vars.add('lines')
    for l_1_layer in environment.getattr((undefined(name='arch') if l_0_arch is missing else l_0_arch), 'layers'):
        l_1__ = missing
        _loop_vars = {}
        pass
        l_1__ = context.call(environment.getattr((undefined(name='lines') if l_0_lines is missing else l_0_lines), 'append'), context.call(environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'm_layer'), l_1_layer, _loop_vars=_loop_vars), _loop_vars=_loop_vars)
        _loop_vars['_'] = l_1__
    l_1_layer = l_1__ = missing
    yield str(context.call(environment.getattr((undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), 'items'), (undefined(name='lines') if l_0_lines is missing else l_0_lines)))
    yield '\n'
    yield str(context.call(environment.getattr((undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), 'heading'), 1, context.call(environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'h_forward'))))
    yield '\n'
    yield str(context.call(environment.getattr((undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), 'para'), context.call(environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'm_forward'), (undefined(name='arch') if l_0_arch is missing else l_0_arch))))
    yield '\n'
    for l_1_d in environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'forward'):
        _loop_vars = {}
        pass
        yield str(context.call(environment.getattr((undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), 'display'), l_1_d, _loop_vars=_loop_vars))
        yield '\n'
    l_1_d = missing
    yield str(context.call(environment.getattr((undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), 'heading'), 1, context.call(environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'h_loss'))))
    yield '\n'
    yield str(context.call(environment.getattr((undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), 'para'), context.call(environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'loss'), (undefined(name='arch') if l_0_arch is missing else l_0_arch))))
    yield '\n'
    for l_1_d in environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'loss'):
        _loop_vars = {}
        pass
        yield str(context.call(environment.getattr((undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), 'display'), l_1_d, _loop_vars=_loop_vars))
        yield '\n'
    l_1_d = missing
    if environment.getattr((undefined(name='arch') if l_0_arch is missing else l_0_arch), 'penalty'):
        pass
        yield str(context.call(environment.getattr((undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), 'para'), context.call(environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'm_penalty'), (undefined(name='arch') if l_0_arch is missing else l_0_arch))))
        yield '\n'
    yield str(context.call(environment.getattr((undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), 'heading'), 1, context.call(environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'm_h_backward'))))
    yield '\n'
    yield str(context.call(environment.getattr((undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), 'para'), context.call(environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'm_backward'), (undefined(name='arch') if l_0_arch is missing else l_0_arch))))
    yield '\n'
    for l_1_d in environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'backward'):
        _loop_vars = {}
        pass
        yield str(context.call(environment.getattr((undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), 'display'), l_1_d, _loop_vars=_loop_vars))
        yield '\n'
    l_1_d = missing
    yield str(context.call(environment.getattr((undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), 'heading'), 1, context.call(environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'h_gradients'))))
    yield '\n'
    yield str(context.call(environment.getattr((undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), 'para'), context.call(environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'm_gradients'), (undefined(name='arch') if l_0_arch is missing else l_0_arch))))
    yield '\n'
    for l_1_d in environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'gradients'):
        _loop_vars = {}
        pass
        yield str(context.call(environment.getattr((undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), 'display'), l_1_d, _loop_vars=_loop_vars))
        yield '\n'
    l_1_d = missing
    if environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'inputs'):
        pass
        yield str(context.call(environment.getattr((undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), 'para'), context.call(environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'm_inputs'), (undefined(name='arch') if l_0_arch is missing else l_0_arch))))
        yield '\n'
        for l_1_d in environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'inputs'):
            _loop_vars = {}
            pass
            yield str(context.call(environment.getattr((undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), 'display'), l_1_d, _loop_vars=_loop_vars))
            yield '\n'
        l_1_d = missing
    yield str(context.call(environment.getattr((undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), 'heading'), 1, context.call(environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'h_update'))))
    yield '\n'
    yield str(context.call(environment.getattr((undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), 'para'), context.call(environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'update'), environment.getattr((undefined(name='profile') if l_0_profile is missing else l_0_profile), 'learning_rate'), (undefined(name='arch') if l_0_arch is missing else l_0_arch))))
    yield '\n'
    for l_1_pair in environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'update_rows'):
        _loop_vars = {}
        pass
        yield str(context.call(environment.getattr((undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), 'row'), l_1_pair, _loop_vars=_loop_vars))
        yield '\n'
    l_1_pair = missing
    yield str(context.call(environment.getattr((undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), 'heading'), 1, context.call(environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'h_notes'))))
    yield '\n'
    yield str(context.call(environment.getattr((undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), 'para'), context.call(environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'm_notation'), environment.getattr((undefined(name='profile') if l_0_profile is missing else l_0_profile), 'matmul'))))
    yield '\n'
    if environment.getattr(environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'notes'), 'kinks'):
        pass
        yield str(context.call(environment.getattr((undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), 'para'), context.call(environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'm_kinks'), environment.getattr((undefined(name='arch') if l_0_arch is missing else l_0_arch), 'subgradient'), environment.getattr(environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'notes'), 'kinks'))))
        yield '\n'
    if environment.getattr(environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'notes'), 'cross_entropy'):
        pass
        yield str(context.call(environment.getattr((undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), 'para'), context.call(environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'cross_entropy'))))
        yield '\n'
    yield str(context.call(environment.getattr((undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), 'para'), context.call(environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'checked'))))
    yield '\n'
    yield str(context.call(environment.getattr((undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), 'end')))
    yield '\n'

blocks = {}
debug_info = '3=17&4=19&5=21&6=24&7=26&8=28&9=30&10=32&11=35&12=39&14=42&15=44&16=46&17=48&18=51&20=54&21=56&22=58&23=61&25=64&26=66&28=68&29=70&30=72&31=75&33=78&34=80&35=82&36=85&38=88&39=90&40=92&41=95&44=98&45=100&46=102&47=105&49=108&50=110&51=112&52=114&54=116&55=118&57=120&58=122'