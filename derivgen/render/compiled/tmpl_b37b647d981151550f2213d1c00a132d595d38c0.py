from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'markdown.j2'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_begin = l_0_end = l_0_heading = l_0_para = l_0_name = l_0_plain = l_0_display = l_0_row = l_0_items = l_0_lines = missing
    try:
        t_1 = environment.filters['join']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'join' found.")
    try:
        t_2 = environment.filters['map']
    except KeyError:
        @internalcode
        def t_2(*unused):
            raise TemplateRuntimeError("No filter named 'map' found.")
    try:
        t_3 = environment.filters['md']
    except KeyError:
        @internalcode
        def t_3(*unused):
            raise TemplateRuntimeError("No filter named 'md' found.")
    try:
        t_4 = environment.filters['mdcode']
    except KeyError:
        @internalcode
        def t_4(*unused):
            raise TemplateRuntimeError("No filter named 'mdcode' found.")
    pass
    def macro(l_1_title, l_1_lang):
        t_5 = []
        if l_1_title is missing:
            l_1_title = undefined("parameter 'title' was not provided", name='title')
        if l_1_lang is missing:
            l_1_lang = undefined("parameter 'lang' was not provided", name='lang')
        pass
        t_5.extend((
            '# ',
            str(l_1_title),
            '\n\n',
        ))
        return concat(t_5)
    context.exported_vars.add('begin')
    context.vars['begin'] = l_0_begin = Macro(environment, macro, 'begin', ('title', 'lang'), False, False, False, context.eval_ctx.autoescape)
    def macro():
        t_6 = []
        pass
        return concat(t_6)
    context.exported_vars.add('end')
    context.vars['end'] = l_0_end = Macro(environment, macro, 'end', (), False, False, False, context.eval_ctx.autoescape)
    def macro(l_1_level, l_1_text):
        t_7 = []
        if l_1_level is missing:
            l_1_level = undefined("parameter 'level' was not provided", name='level')
        if l_1_text is missing:
            l_1_text = undefined("parameter 'text' was not provided", name='text')
        pass
        t_7.extend((
            str(('#' * (l_1_level + 1))),
            ' ',
            str(l_1_text),
            '\n\n',
        ))
        return concat(t_7)
    context.exported_vars.add('heading')
    context.vars['heading'] = l_0_heading = Macro(environment, macro, 'heading', ('level', 'text'), False, False, False, context.eval_ctx.autoescape)
    def macro(l_1_text):
        t_8 = []
        if l_1_text is missing:
            l_1_text = undefined("parameter 'text' was not provided", name='text')
        pass
        t_8.extend((
            str(l_1_text),
            '\n\n',
        ))
        return concat(t_8)
    context.exported_vars.add('para')
    context.vars['para'] = l_0_para = Macro(environment, macro, 'para', ('text',), False, False, False, context.eval_ctx.autoescape)
    def macro(l_1_text):
        t_9 = []
        if l_1_text is missing:
            l_1_text = undefined("parameter 'text' was not provided", name='text')
        pass
        t_9.append(
            str(t_4(l_1_text)),
        )
        return concat(t_9)
    context.exported_vars.add('name')
    context.vars['name'] = l_0_name = Macro(environment, macro, 'name', ('text',), False, False, False, context.eval_ctx.autoescape)
    def macro(l_1_text):
        t_10 = []
        if l_1_text is missing:
            l_1_text = undefined("parameter 'text' was not provided", name='text')
        pass
        t_10.append(
            str(t_3(l_1_text)),
        )
        return concat(t_10)
    context.exported_vars.add('plain')
    context.vars['plain'] = l_0_plain = Macro(environment, macro, 'plain', ('text',), False, False, False, context.eval_ctx.autoescape)
    def macro(l_1_d):
        t_11 = []
        if l_1_d is missing:
            l_1_d = undefined("parameter 'd' was not provided", name='d')
        pass
        t_11.extend((
            '$$\n',
            str(environment.getattr(l_1_d, 'latex')),
            '\n$$\n\n',
        ))
        return concat(t_11)
    context.exported_vars.add('display')
    context.vars['display'] = l_0_display = Macro(environment, macro, 'display', ('d',), False, False, False, context.eval_ctx.autoescape)
    def macro(l_1_ds):
        t_12 = []
        if l_1_ds is missing:
            l_1_ds = undefined("parameter 'ds' was not provided", name='ds')
        pass
        t_12.extend((
            '$$\n',
            str(t_1(context.eval_ctx, t_2(context, l_1_ds, attribute='latex'), ', \\quad ')),
            '\n$$\n\n',
        ))
        return concat(t_12)
    context.exported_vars.add('row')
    context.vars['row'] = l_0_row = Macro(environment, macro, 'row', ('ds',), False, False, False, context.eval_ctx.autoescape)
    def macro(l_1_lines, l_1_numbered):
        t_13 = []
        if l_1_lines is missing:
            l_1_lines = undefined("parameter 'lines' was not provided", name='lines')
        if l_1_numbered is missing:
            l_1_numbered = False
        pass
        l_2_loop = missing
        for l_2_line, l_2_loop in LoopContext(l_1_lines, undefined):
            _loop_vars = {}
            pass
            t_13.extend((
                str((str_join((environment.getattr(l_2_loop, 'index'), '.', )) if l_1_numbered else '-')),
                ' ',
                str(l_2_line),
                '\n',
            ))
        l_2_loop = l_2_line = missing
        t_13.append(
            '\n',
        )
        return concat(t_13)
    context.exported_vars.add('items')
    context.vars['items'] = l_0_items = Macro(environment, macro, 'items', ('lines', 'numbered'), False, False, False, context.eval_ctx.autoescape)
    def macro(l_1_ds, l_1_numbered):
        t_14 = []
        if l_1_ds is missing:
            l_1_ds = undefined("parameter 'ds' was not provided", name='ds')
        if l_1_numbered is missing:
            l_1_numbered = False
        pass
        l_2_loop = missing
        for l_2_d, l_2_loop in LoopContext(l_1_ds, undefined):
            _loop_vars = {}
            pass
            t_14.extend((
                str((str_join((environment.getattr(l_2_loop, 'index'), '.', )) if l_1_numbered else '-')),
                ' $',
                str(environment.getattr(l_2_d, 'latex')),
                '$\n',
            ))
        l_2_loop = l_2_d = missing
        t_14.append(
            '\n',
        )
        return concat(t_14)
    context.exported_vars.add('lines')
    context.vars['lines'] = l_0_lines = Macro(environment, macro, 'lines', ('ds', 'numbered'), False, False, False, context.eval_ctx.autoescape)

blocks = {}
debug_info = '2=36&3=45&6=51&8=57&9=65&12=73&13=79&16=85&17=96&18=107&20=114&24=120&26=127&30=133&31=141&32=145&36=157&37=165&38=169'